/** The qemu-img calls the qemu driver needs for instance disks. */
import { execFile } from 'node:child_process';

function qemuImg(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('qemu-img', args, { timeout: 120_000 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const detail = String(stderr).trim() || err.message;
      reject(new Error(`qemu-img ${args[0]} failed: ${detail}`));
    });
  });
}

export async function virtualSizeBytes(file: string): Promise<number> {
  const info = JSON.parse(await qemuImg(['info', '--output=json', '-U', file])) as { 'virtual-size': number };
  return info['virtual-size'];
}

/** A copy-on-write disk on top of `base`; without `sizeGb` it is as large as the base. */
export async function createOverlay(
  disk: string,
  base: string,
  baseFormat: 'qcow2' | 'raw',
  sizeGb?: number,
): Promise<void> {
  await qemuImg(['create', '-q', '-f', 'qcow2', '-F', baseFormat, '-b', base, disk, ...(sizeGb ? [`${sizeGb}G`] : [])]);
}

export async function createEmpty(disk: string, sizeMb: number): Promise<void> {
  await qemuImg(['create', '-q', '-f', 'qcow2', disk, `${sizeMb}M`]);
}

/** Grows the disk to `sizeGb`; a disk already that large (or larger) is left alone, since shrinking loses data. */
export async function growTo(disk: string, sizeGb: number): Promise<void> {
  const want = sizeGb * 1024 ** 3;
  if ((await virtualSizeBytes(disk)) >= want) return;
  await qemuImg(['resize', '-q', disk, String(want)]);
}
