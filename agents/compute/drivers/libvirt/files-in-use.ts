/**
 * The files outside the instance directories that this host's instances depend on (HypervisorDriver.imageFilesInUse).
 *
 * The source of truth is what is on disk in the instance directories, not the cloud's database and not only the
 * domain list: a directory exists from the moment a spawn starts making disks until destroy removes it, whatever the
 * domain's state (running, stopped, suspended with its memory image there, resized in place), and it is what breaks
 * when a base goes (an overlay cannot open without its backing file). The database would miss builds in progress and
 * need the control plane to answer; a domain list would miss a spawn between making the overlay and defining the
 * domain. Domains are read too, for the kernel and initrd of direct-kernel boots made before boot-files.json existed.
 */
import fs from 'node:fs/promises';
import { isInstanceId, instancePaths } from './instance-files';
import { kernelFilesOfXml, qcow2BackingFile, readBootFiles } from './boot-files';
import type { LibvirtConnection } from './libvirt-connection';

export async function filesInUse(conn: LibvirtConnection, instancesDir: string): Promise<string[]> {
  const names = await fs.readdir(instancesDir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  const ids = new Set(names.filter(isInstanceId));
  const fromDirs = await Promise.all(
    [...ids].map(async (id) => {
      const paths = instancePaths(instancesDir, id);
      const [recorded, backing] = await Promise.all([readBootFiles(paths.bootFiles), qcow2BackingFile(paths.rootDisk)]);
      return backing ? [...recorded, backing] : recorded;
    }),
  );
  const domains = (await conn.list()).filter((d) => ids.has(d.name));
  const fromDomains = await Promise.all(
    domains.map(async (d) => {
      const dom = await conn.lookup(d.name);
      const xml = dom && (await conn.xml(dom));
      return xml ? kernelFilesOfXml(xml) : [];
    }),
  );
  return [...new Set([...fromDirs.flat(), ...fromDomains.flat()])];
}
