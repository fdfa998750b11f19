/**
 * An instance's files on its host, all under `<instancesDir>/<instanceId>/` so that removing the directory removes
 * everything: disks, console log and the memory image of a suspended guest.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BootSource } from '../../driver';

export type InstancePaths = {
  dir: string;
  rootDisk: string;
  ephemeralDisk: string;
  swapDisk: string;
  consoleLog: string;
  /** The guest's memory while it is suspended (libvirt save/restore). */
  memorySave: string;
  /** Where that image is while libvirt restores from it. */
  memoryRestoring: string;
  /** Which image cache files the instance was made from (boot-files.ts). */
  bootFiles: string;
};

// instance ids become path components: a UUID keeps a message with a crafted id from reaching outside instancesDir
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isInstanceId = (name: string) => UUID.test(name);

export function instancePaths(instancesDir: string, instanceId: string): InstancePaths {
  if (!isInstanceId(instanceId)) throw new Error(`instance id ${JSON.stringify(instanceId)} is not a UUID`);
  const dir = path.join(instancesDir, instanceId);
  return {
    dir,
    rootDisk: path.join(dir, 'disk'),
    ephemeralDisk: path.join(dir, 'disk.eph0'),
    swapDisk: path.join(dir, 'disk.swap'),
    consoleLog: path.join(dir, 'console.log'),
    memorySave: path.join(dir, 'memory.save'),
    memoryRestoring: path.join(dir, 'memory.save.restoring'),
    bootFiles: path.join(dir, 'boot-files.json'),
  };
}

export const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );

/** Rejects naming the first boot file that is missing, before anything is created for the instance. */
export async function checkBootFiles(boot: BootSource): Promise<void> {
  const files: [string, string | undefined][] =
    boot.kind === 'disk'
      ? [['base image', boot.basePath]]
      : [
          ['kernel', boot.kernelPath],
          ['ramdisk', boot.ramdiskPath],
        ];
  for (const [what, file] of files) {
    if (file !== undefined && !(await exists(file))) throw new Error(`${what} file ${file} does not exist`);
  }
}

/** The last `maxBytes` of a file as text; "" when the file does not exist. */
export async function readTail(file: string, maxBytes: number): Promise<string> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
  try {
    const { size } = await fh.stat();
    const length = Math.min(size, Math.max(0, maxBytes));
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, size - length);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}

export const removeDir = (dir: string) => fs.rm(dir, { recursive: true, force: true });
