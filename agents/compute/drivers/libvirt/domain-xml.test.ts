import { describe, expect, it } from 'vitest';
import type { DomainSpec } from '../../driver';
import { buildDomainXml, escapeXml } from './domain-xml';

const spec: DomainSpec = {
  instanceId: '6f1c2d3e-4a5b-4c6d-8e7f-001122334455',
  displayName: `web <1> & "db's"\nsecond line`,
  vcpus: 2,
  memoryMb: 256,
  rootGb: 1,
  ephemeralGb: 0,
  swapMb: 0,
  boot: { kind: 'kernel', kernelPath: '/cache/k&1', ramdiskPath: '/cache/initrd', cmdline: 'console=ttyS0 a=<b>' },
};
const files = { rootDisk: '/inst/x/disk', consoleLog: '/inst/x/console.log' };

describe('domain XML', () => {
  it('escapes every character XML gives meaning to', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });

  it('drops control characters, which no XML document may hold (libvirt would refuse the domain)', () => {
    expect(escapeXml('a\u0001b\u001bc\td')).toBe('abc\td');
  });

  it('names the domain by the instance UUID and keeps the display name, escaped and on one line, as its title', () => {
    const xml = buildDomainXml(spec, 'qemu', files);
    expect(xml).toContain(`<name>${spec.instanceId}</name>`);
    expect(xml).toContain(`<uuid>${spec.instanceId}</uuid>`);
    expect(xml).toContain('<title>web &lt;1&gt; &amp; &quot;db&apos;s&quot; second line</title>');
    expect(xml).not.toMatch(/<[^>]*db's/);
  });

  it('boots a kernel directly, with its ramdisk and command line, and sends the serial console to a file', () => {
    const xml = buildDomainXml(spec, 'qemu', files);
    expect(xml).toMatch(/^<domain type='qemu'>/);
    expect(xml).toContain('<kernel>/cache/k&amp;1</kernel><initrd>/cache/initrd</initrd>');
    expect(xml).toContain('<cmdline>console=ttyS0 a=&lt;b&gt;</cmdline>');
    expect(xml).toContain(`<serial type='file'><source path='/inst/x/console.log' append='on'/>`);
    expect(xml).toContain("<memory unit='MiB'>256</memory>");
    expect(xml).toContain("<vcpu placement='static'>2</vcpu>");
  });

  it('has no network interface, and boots an image from its root disk', () => {
    const xml = buildDomainXml({ ...spec, boot: { kind: 'disk', basePath: '/b', baseFormat: 'raw' } }, 'test', {
      ...files,
      ephemeralDisk: '/inst/x/disk.eph0',
    });
    expect(xml).not.toContain('<interface');
    expect(xml).toMatch(/^<domain type='test'>/);
    expect(xml).toContain("<boot dev='hd'/>");
    expect(xml).toContain("<source file='/inst/x/disk'/><target dev='vda' bus='virtio'/>");
    expect(xml).toContain("<source file='/inst/x/disk.eph0'/><target dev='vdb' bus='virtio'/>");
  });
});
