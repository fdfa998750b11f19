import { randomUUID } from 'node:crypto';
import type { Db } from '../../server/db/client';
import { suffix } from './identity-client';

export const SMALL = {
  id: '2',
  name: 'm1.small',
  vcpus: 1,
  ram: 2048,
  disk: 20,
  ephemeral: 0,
  swap: 0,
  extraSpecs: {},
};
export const MEDIUM = {
  id: '3',
  name: 'm1.medium',
  vcpus: 2,
  ram: 4096,
  disk: 40,
  ephemeral: 10,
  swap: 0,
  extraSpecs: {},
};

/** An instance row as the lifecycle leaves it (launched, maybe deleted), written directly so the hours are exact. */
export async function seedInstance(
  db: Db,
  owner: { id: string; projectId: string },
  i: {
    flavor?: typeof SMALL;
    launchedAt: Date | null;
    terminatedAt?: Date | null;
    createdAt?: Date;
    vmState?: string;
  },
) {
  const id = randomUUID();
  const name = `u-${suffix()}`;
  const deleted = Boolean(i.terminatedAt);
  await db.instance.create({
    data: {
      id,
      name,
      hostname: name,
      projectId: owner.projectId,
      userId: owner.id,
      imageId: randomUUID(),
      flavor: i.flavor ?? SMALL,
      vmState: deleted ? 'deleted' : (i.vmState ?? 'active'),
      reservationId: `r-${suffix()}`,
      launchedAt: i.launchedAt,
      terminatedAt: i.terminatedAt ?? null,
      deleted,
      deletedAt: i.terminatedAt ?? null,
      createdAt: i.createdAt ?? i.launchedAt ?? new Date(),
    },
  });
  return { id, name };
}
