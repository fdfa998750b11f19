import type { Db } from '../../db/client';
import { FlavorsRepository } from './flavors.repository';

/** devstack's flavors, so a fresh cloud boots `--flavor m1.tiny` as any devstack does. */
const DEVSTACK_FLAVORS = [
  { id: '42', name: 'm1.nano', vcpus: 1, ramMb: 128, diskGb: 1 },
  { id: '84', name: 'm1.micro', vcpus: 1, ramMb: 192, diskGb: 1 },
  { id: '1', name: 'm1.tiny', vcpus: 1, ramMb: 512, diskGb: 1 },
  { id: '2', name: 'm1.small', vcpus: 1, ramMb: 2048, diskGb: 20 },
  { id: '3', name: 'm1.medium', vcpus: 2, ramMb: 4096, diskGb: 40 },
  { id: '4', name: 'm1.large', vcpus: 4, ramMb: 8192, diskGb: 80 },
  { id: '5', name: 'm1.xlarge', vcpus: 8, ramMb: 16384, diskGb: 160 },
];

/**
 * Creates each default flavor whose name is absent. A name an operator deleted comes back at the next start; one
 * they renamed or resized keeps their change. Concurrent starters skip what another just created.
 * Returns the names created.
 */
export async function ensureDefaultFlavors(db: Db): Promise<string[]> {
  return new FlavorsRepository(db).createMissing(DEVSTACK_FLAVORS);
}
