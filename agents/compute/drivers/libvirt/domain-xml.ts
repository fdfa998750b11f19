/**
 * The libvirt domain XML of one instance, built from its DomainSpec and the files the driver prepared. The same
 * document serves qemu:///system and the test hypervisor; only the domain type differs. Every interpolated value is
 * escaped: display names come from users.
 */
import type { DomainSpec } from '../../driver';

export type DomainType = 'qemu' | 'kvm' | 'test';

export type DomainFiles = {
  /** The root disk (qcow2); absent when a kernel boot asked for no root disk (rootGb 0). */
  rootDisk?: string;
  ephemeralDisk?: string;
  swapDisk?: string;
  consoleLog: string;
};

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escaped for text and attribute values; control characters XML 1.0 cannot carry at all are dropped. */
export function escapeXml(value: string | number): string {
  return String(value)
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** libvirt rejects a <title> with a line break; a display name is one line in every listing anyway. */
function titleOf(displayName: string): string {
  return displayName.replace(/[\r\n]+/g, ' ').trim();
}

function osSection(spec: DomainSpec): string {
  const boot = spec.boot;
  if (boot.kind === 'kernel') {
    return [
      `<os><type arch='x86_64'>hvm</type>`,
      `<kernel>${escapeXml(boot.kernelPath)}</kernel>`,
      boot.ramdiskPath ? `<initrd>${escapeXml(boot.ramdiskPath)}</initrd>` : '',
      `<cmdline>${escapeXml(boot.cmdline)}</cmdline>`,
      `</os>`,
    ].join('');
  }
  return `<os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>`;
}

function diskElement(file: string, dev: string): string {
  return (
    `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>` +
    `<source file='${escapeXml(file)}'/><target dev='${dev}' bus='virtio'/></disk>`
  );
}

export function buildDomainXml(spec: DomainSpec, type: DomainType, files: DomainFiles): string {
  const disks = [
    files.rootDisk && diskElement(files.rootDisk, 'vda'),
    files.ephemeralDisk && diskElement(files.ephemeralDisk, 'vdb'),
    files.swapDisk && diskElement(files.swapDisk, 'vdc'),
  ].filter(Boolean);
  const log = escapeXml(files.consoleLog);
  return [
    `<domain type='${type}'>`,
    `<name>${escapeXml(spec.instanceId)}</name>`,
    `<uuid>${escapeXml(spec.instanceId)}</uuid>`,
    `<title>${escapeXml(titleOf(spec.displayName))}</title>`,
    `<memory unit='MiB'>${escapeXml(spec.memoryMb)}</memory>`,
    `<vcpu placement='static'>${escapeXml(spec.vcpus)}</vcpu>`,
    osSection(spec),
    `<features><acpi/><apic/></features>`,
    `<clock offset='utc'/>`,
    // a guest that powers itself off is off (the manager notices and records it); a guest reboot stays a reboot
    `<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>`,
    `<devices>`,
    ...disks,
    // append: the log spans reboots and power cycles, as a console log in the dashboard should
    `<serial type='file'><source path='${log}' append='on'/><target port='0'/></serial>`,
    `<console type='file'><source path='${log}' append='on'/><target type='serial' port='0'/></console>`,
    // no <interface> yet: networking is the network agent's job, and this host forbids guest traffic outside
    // namespaces; no USB, balloon or display either, so a TCG guest has less to emulate
    `<controller type='usb' model='none'/>`,
    `<memballoon model='none'/>`,
    `</devices>`,
    `</domain>`,
  ].join('\n');
}
