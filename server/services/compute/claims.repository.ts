import type { Tx } from '../../db/client';

export type Claim = { instanceId: string; kind: 'instance' | 'migration'; host: string; vcpus: number; memoryMb: number; diskGb: number };

/**
 * Resource claims on compute hosts. A claim is one conditional UPDATE of the host's used counters — it succeeds only
 * while the host has room under its allocation ratios — plus the claim row that remembers what to give back. Two
 * schedulers claiming the last room on a host race on that row's lock: one wins, the other sees no room.
 */
export class ClaimsRepository {
  /** True when claimed (or already held by this instance for this kind: a redelivered message claims nothing twice). */
  async claim(tx: Tx, c: Claim): Promise<boolean> {
    const held = await tx.resourceClaim.findUnique({ where: { instanceId_kind: { instanceId: c.instanceId, kind: c.kind } } });
    if (held) return held.host === c.host;
    const updated = await tx.$executeRaw`
      UPDATE "ComputeNode" SET
        "vcpusUsed" = "vcpusUsed" + ${c.vcpus},
        "memoryMbUsed" = "memoryMbUsed" + ${c.memoryMb},
        "diskGbUsed" = "diskGbUsed" + ${c.diskGb},
        "runningVms" = "runningVms" + ${c.kind === 'instance' ? 1 : 0},
        "updatedAt" = now()
      WHERE host = ${c.host}
        AND "vcpusUsed" + ${c.vcpus} <= floor(vcpus * "cpuAllocationRatio")
        AND "memoryMbUsed" + ${c.memoryMb} <= floor("memoryMb" * "ramAllocationRatio")
        AND "diskGbUsed" + ${c.diskGb} <= floor("diskGb" * "diskAllocationRatio")`;
    if (updated !== 1) return false;
    await tx.resourceClaim.create({ data: c });
    return true;
  }

  /** Gives a claim back; a claim already released is a no-op, so a repeated release never mints capacity. */
  async release(tx: Tx, instanceId: string, kind: Claim['kind']): Promise<Claim | null> {
    const rows = await tx.$queryRaw<Claim[]>`
      DELETE FROM "ResourceClaim" WHERE "instanceId" = ${instanceId} AND kind = ${kind}
      RETURNING "instanceId", kind, host, vcpus, "memoryMb", "diskGb"`;
    const c = rows[0];
    if (!c) return null;
    await tx.$executeRaw`
      UPDATE "ComputeNode" SET
        "vcpusUsed" = GREATEST(0, "vcpusUsed" - ${c.vcpus}),
        "memoryMbUsed" = GREATEST(0, "memoryMbUsed" - ${c.memoryMb}),
        "diskGbUsed" = GREATEST(0, "diskGbUsed" - ${c.diskGb}),
        "runningVms" = GREATEST(0, "runningVms" - ${c.kind === 'instance' ? 1 : 0}),
        "updatedAt" = now()
      WHERE host = ${c.host}`;
    return c;
  }

  /** Moves a migration claim to be the instance's own (resize confirmed: the new size is now what it holds). */
  async promoteMigration(tx: Tx, instanceId: string): Promise<void> {
    const rows = await tx.$queryRaw<{ host: string }[]>`
      UPDATE "ResourceClaim" SET kind = 'instance' WHERE "instanceId" = ${instanceId} AND kind = 'migration' RETURNING host`;
    for (const r of rows) await tx.$executeRaw`UPDATE "ComputeNode" SET "runningVms" = "runningVms" + 1 WHERE host = ${r.host}`;
  }

  async forInstance(tx: Tx, instanceId: string): Promise<Claim[]> {
    return (await tx.resourceClaim.findMany({ where: { instanceId } })) as Claim[];
  }
}
