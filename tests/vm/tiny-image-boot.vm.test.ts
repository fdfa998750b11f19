import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTinyImage } from '../../server/services/image/default-image';
import { onFileEnd } from '../helpers/file-cleanup';

/** Shared with server/services/image/default-image.int.test.ts: the build script caches (and locks) it. */
const CACHE = path.join(os.tmpdir(), 'cumulo-tiny-image-cache');
const QEMU = 'qemu-system-x86_64';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const isRoot = process.getuid?.() === 0;

// qemu comes from Debian: installed here when missing and we may, otherwise the file says why it is skipped
if (!has(QEMU) && isRoot) {
  spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'qemu-system-x86'], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
const qemuMissing = !has(QEMU);
if (qemuMissing)
  console.warn(`tiny-image-boot: skipped, ${QEMU} is missing and not root to apt-get install qemu-system-x86`);

describe.skipIf(qemuMissing)('the tiny guest boots', () => {
  beforeAll(() => buildTinyImage(CACHE, 180_000), 200_000);

  /** Boots qemu with these arguments until the serial console shows `login:`; answers the console and the time. */
  async function bootToLogin(
    args: string[],
    nic = ['-nic', 'none'],
    onLogin?: (closed: Promise<void>) => Promise<void>,
  ): Promise<{ serial: string; ms: number }> {
    const started = Date.now();
    // this machine forbids traffic to non-loopback addresses: by default no NIC, the guest notes it has no eth0
    const qemu = spawn(QEMU, ['-accel', 'tcg', '-m', '256', '-nographic', '-no-reboot', ...nic, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => qemu.once('exit', () => resolve()));
    // after the exit and the last of its output (with a NIC, guestfwd's nc children may hold the pipes longer)
    const closed = new Promise<void>((resolve) => qemu.once('close', () => resolve()));
    onFileEnd(async () => {
      qemu.kill('SIGKILL');
      await exited;
    });
    let serial = '';
    qemu.stderr.on('data', (b: Buffer) => (serial += b.toString()));
    try {
      const ms = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no login prompt within 60 s; serial console:\n${serial.slice(-3000)}`)),
          60_000,
        );
        qemu.stdout.on('data', (b: Buffer) => {
          serial += b.toString();
          if (/login: *$/m.test(serial)) {
            clearTimeout(timer);
            resolve(Date.now() - started);
          }
        });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`qemu exited before the login prompt; serial console:\n${serial.slice(-3000)}`));
        });
      });
      await onLogin?.(closed);
      return { serial, ms };
    } finally {
      qemu.kill('SIGTERM');
      await exited;
    }
  }

  function expectBooted(serial: string) {
    expect(serial).toMatch(/Cumulo tiny guest \S+ booted/);
    expect(serial).toMatch(/tiny: no eth0/);
    expect(serial).toMatch(/httpd serving on :80/);
    expect(serial.search(/Cumulo tiny guest \S+ booted/)).toBeLessThan(serial.search(/login:/));
  }

  it('from its kernel and ramdisk to its banner and a login prompt on the serial console (qemu TCG, no network)', async () => {
    const { serial, ms } = await bootToLogin([
      '-kernel',
      path.join(CACHE, 'tiny-vmlinuz'),
      '-initrd',
      path.join(CACHE, 'tiny-initrd.img'),
      '-append',
      'console=ttyS0',
    ]);
    console.log(`tiny guest (kernel+ramdisk): login prompt ${(ms / 1000).toFixed(1)} s after qemu started`);
    expectBooted(serial);
  }, 90_000);

  it('powers itself off cleanly when the ACPI power button is pressed', async () => {
    const monitor = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-tiny-monitor-')), 'monitor.sock');
    onFileEnd(() => fs.rmSync(path.dirname(monitor), { recursive: true, force: true }));
    let offMs = 0;
    const { serial } = await bootToLogin(
      [
        '-kernel',
        path.join(CACHE, 'tiny-vmlinuz'),
        '-initrd',
        path.join(CACHE, 'tiny-initrd.img'),
        '-append',
        'console=ttyS0',
        '-monitor',
        `unix:${monitor},server=on,wait=off`,
      ],
      undefined,
      async (closed) => {
        const pressed = Date.now();
        // what `virsh shutdown` does to a qemu guest: the monitor's system_powerdown presses the ACPI power button
        await new Promise<void>((resolve, reject) => {
          const sock = net.connect(monitor, () => sock.end('system_powerdown\n', () => resolve()));
          sock.once('error', reject);
        });
        const off = await Promise.race([
          closed.then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), 30_000)),
        ]);
        expect(off, 'qemu still running 30 s after the power button').toBe(true);
        offMs = Date.now() - pressed;
      },
    );
    console.log(`tiny guest: powered off ${(offMs / 1000).toFixed(1)} s after the power button`);
    expect(serial).toMatch(/tiny: acpid: the power button powers off/);
    expect(serial).toMatch(
      /tiny: power button pressed, powering off[\s\S]*tiny: shutting down[\s\S]*reboot: Power down/,
    );
  }, 120_000);

  it('from its qcow2 disk variant as a virtio disk, the same way', async (t) => {
    const disk = path.join(CACHE, 'tiny.qcow2');
    if (!fs.existsSync(disk))
      t.skip('the build made no tiny.qcow2 (syslinux, mtools, dosfstools or qemu-utils missing)');
    const { serial, ms } = await bootToLogin(['-drive', `file=${disk},if=virtio,format=qcow2,snapshot=on`]);
    console.log(`tiny guest (qcow2 disk): login prompt ${(ms / 1000).toFixed(1)} s after qemu started`);
    expectBooted(serial);
  }, 90_000);

  it('with a NIC: DHCP, then hostname, SSH key and user data from the metadata service, and its web page', async () => {
    // qemu's user-mode network never leaves the process (restrict=on): its DHCP answers the guest, and each of the
    // guest's connections to 10.0.2.100:80 is piped (busybox nc, one per connection) to a metadata server on loopback
    const served: string[] = [];
    const metadata = http.createServer((req, res) => {
      served.push(req.url ?? '');
      const body: Record<string, string> = {
        '/latest/meta-data/hostname': 'vm-test-1.novalocal\n',
        '/latest/meta-data/public-keys/0/openssh-key':
          'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheTinyGuest test@cumulo\n',
        '/latest/user-data': '#!/bin/sh\necho user-data-ran > /www/user-data.txt\n',
      };
      const b = body[req.url ?? ''];
      res.writeHead(b ? 200 : 404).end(b ?? 'not found');
    });
    await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve));
    onFileEnd(() => new Promise<void>((resolve) => metadata.close(() => resolve())));
    const mdPort = (metadata.address() as AddressInfo).port;
    const webPort = await freePort();
    let page = '';
    let userData = '';
    const { serial, ms } = await bootToLogin(
      [
        '-kernel',
        path.join(CACHE, 'tiny-vmlinuz'),
        '-initrd',
        path.join(CACHE, 'tiny-initrd.img'),
        '-append',
        'console=ttyS0 cumulo.metadata=http://10.0.2.100',
      ],
      [
        '-nic',
        `user,model=virtio-net-pci,restrict=on,guestfwd=tcp:10.0.2.100:80-cmd:/bin/busybox nc 127.0.0.1 ${mdPort},hostfwd=tcp:127.0.0.1:${webPort}-:80`,
      ],
      async () => {
        page = await (await fetch(`http://127.0.0.1:${webPort}/`)).text();
        // the user-data script runs in the background: give it a moment
        for (let i = 0; i < 20 && !userData.includes('user-data-ran'); i++) {
          const r = await fetch(`http://127.0.0.1:${webPort}/user-data.txt`);
          userData = await r.text();
          if (!userData.includes('user-data-ran')) await new Promise((r) => setTimeout(r, 250));
        }
      },
    );
    console.log(`tiny guest (DHCP + metadata): login prompt ${(ms / 1000).toFixed(1)} s after qemu started`);
    expect(serial).toMatch(/tiny: eth0 up, address 10\.0\.2\.15/);
    expect(serial).toMatch(/hostname vm-test-1 \(metadata\)/);
    expect(serial).toMatch(/SSH public key installed/);
    expect(serial).toMatch(/vm-test-1 login:/);
    expect(served).toEqual(
      expect.arrayContaining([
        '/latest/meta-data/hostname',
        '/latest/meta-data/public-keys/0/openssh-key',
        '/latest/user-data',
      ]),
    );
    expect(page).toContain('Cumulo tiny guest');
    expect(page).toContain('vm-test-1');
    expect(userData).toContain('user-data-ran');
  }, 90_000);
});

/** A TCP port free on loopback right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
