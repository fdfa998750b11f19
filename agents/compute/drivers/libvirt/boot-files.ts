/**
 * Which files outside its own directory an instance depends on: the image cache's bases it was made from (a root
 * disk's backing file, a kernel, a ramdisk). The image cache sweep keeps every one of them.
 *
 * The record is `boot-files.json` in the instance directory, written before the disks are made from those files, so
 * it is there for as long as the disks are, whatever the domain's power state (running, stopped, suspended, resized
 * in place), and it goes with the directory on destroy. For instances made before the record existed, the backing
 * file named in the root disk's qcow2 header counts too: a qcow2 overlay whose base is gone cannot be opened again.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BootSource } from '../../driver';

const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"

/** The cached files this boot source uses. */
export function filesOf(boot: BootSource): string[] {
  if (boot.kind === 'disk') return [boot.basePath];
  return [boot.kernelPath, ...(boot.ramdiskPath ? [boot.ramdiskPath] : [])];
}

/** Records what the instance is about to be made from (replacing the record of an earlier boot source). */
export async function recordBootFiles(file: string, boot: BootSource): Promise<void> {
  const tmp = `${file}.tmp`;
  await fs.writeFile(tmp, JSON.stringify({ files: filesOf(boot) }));
  await fs.rename(tmp, file);
}

/**
 * The files the record names; none when there is no record. A record that cannot be read rejects, naming it: a
 * sweep that guessed might remove a base an instance needs.
 */
export async function readBootFiles(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  try {
    const parsed = JSON.parse(text) as { files?: unknown };
    if (Array.isArray(parsed.files) && parsed.files.every((f) => typeof f === 'string')) return parsed.files;
  } catch {
    // reported below
  }
  throw new Error(`the boot file record ${file} is not readable JSON {"files": [paths]}`);
}

/**
 * The backing file a qcow2 image names in its header (resolved against the image's directory, as qemu does), or
 * undefined for a file that is missing, not qcow2, or has no backing file. Read from the header rather than with
 * `qemu-img info`, so a sweep over a thousand instances starts no processes.
 */
export async function qcow2BackingFile(file: string): Promise<string | undefined> {
  const fh = await fs.open(file, 'r').catch(() => null);
  if (!fh) return undefined;
  try {
    const header = Buffer.alloc(20);
    const { bytesRead } = await fh.read(header, 0, 20, 0);
    if (bytesRead < 20 || header.readUInt32BE(0) !== QCOW2_MAGIC) return undefined;
    const offset = header.readBigUInt64BE(8);
    const size = header.readUInt32BE(16);
    if (offset === 0n || size === 0 || size > 1023) return undefined;
    const name = Buffer.alloc(size);
    await fh.read(name, 0, size, Number(offset));
    return path.resolve(path.dirname(file), name.toString('utf8'));
  } finally {
    await fh.close();
  }
}

/** The kernel and initrd a domain's XML boots from (libvirt escapes them as XML text). */
export function kernelFilesOfXml(xml: string): string[] {
  return [...xml.matchAll(/<(kernel|initrd)>([^<]+)<\/\1>/g)].map((m) => unescapeXml(m[2]!));
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
