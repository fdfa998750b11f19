import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onFileEnd } from '../../../tests/helpers/file-cleanup';
import { POWER_STATE } from '../driver';
import { LibvirtDriver } from './libvirt.driver';

const LIBVIRT_UP = path.resolve(import.meta.dirname, '../../../scripts/libvirt-up.sh');
const up = spawnSync('bash', [LIBVIRT_UP], { encoding: 'utf8', timeout: 300_000 });
const virsh = (...args: string[]) => spawnSync('virsh', ['-c', 'qemu:///system', ...args], { encoding: 'utf8' });

/** One libvirtd serving two hosts' agents (a second stack, parallel test runs): each sees only its own domains. */
describe.skipIf(up.status !== 0)('qemu:///system shared by several agents', () => {
  it("never lists (so never reconciles away) a domain another agent's directory holds", async () => {
    const id = randomUUID();
    const xml = `<domain type='qemu'><name>${id}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`;
    const file = path.join(os.tmpdir(), `${id}.xml`);
    fs.writeFileSync(file, xml);
    expect(virsh('define', file).status).toBe(0);
    onFileEnd(() => {
      virsh('undefine', id);
      fs.rmSync(file, { force: true });
    });
    const other = new LibvirtDriver({ instancesDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-other-host-')) });
    await other.init();
    onFileEnd(() => other.close());
    expect((await other.listDomains()).map((d) => d.instanceId)).not.toContain(id);
    // it can still answer for the id it is asked about (and says nothing is running)
    expect(await other.powerState(id)).toBe(POWER_STATE.SHUTDOWN);
    expect(virsh('domstate', id).stdout.trim()).toBe('shut off');
  });
});
