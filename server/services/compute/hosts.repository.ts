import { randomUUID } from 'node:crypto';
import type { Db, Prisma, Tx } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import type { TComputeNode, TComputeNodeReport } from './host.dto';

type Row = Prisma.ComputeNodeGetPayload<object>;
const toNode = (r: Row): TComputeNode => ({ ...r });

/** Hypervisors page in creation order; the id breaks ties so a marker is never ambiguous. */
const PAGE_ORDER: Prisma.ComputeNodeOrderByWithRelationInput[] = [{ createdAt: 'asc' }, { hypervisorId: 'asc' }];

/** Prisma access for compute nodes (os-services + os-hypervisors) and the instances they host. */
export class HostsRepository {
  constructor(private readonly db: Db) {}

  byHost = async (host: string): Promise<TComputeNode | null> => {
    const r = await this.db.computeNode.findUnique({ where: { host } });
    return r && toNode(r);
  };

  byServiceId = async (serviceId: string): Promise<TComputeNode | null> => {
    const r = await this.db.computeNode.findUnique({ where: { serviceId } });
    return r && toNode(r);
  };

  byHypervisorId = async (hypervisorId: string): Promise<TComputeNode | null> => {
    const r = await this.db.computeNode.findUnique({ where: { hypervisorId } });
    return r && toNode(r);
  };

  list = async (filter: { host?: string } = {}): Promise<TComputeNode[]> =>
    (
      await this.db.computeNode.findMany({
        where: filter.host === undefined ? {} : { host: filter.host },
        orderBy: PAGE_ORDER,
      })
    ).map(toNode);

  /** Hostnames containing `pattern` (case-insensitive, as MySQL's LIKE is for Nova), in page order. */
  search = async (pattern: string): Promise<TComputeNode[]> =>
    (
      await this.db.computeNode.findMany({
        where: { host: { contains: pattern, mode: 'insensitive' } },
        orderBy: PAGE_ORDER,
      })
    ).map(toNode);

  /** Up to `limit` nodes after `after` (a node from an earlier page), in page order. */
  page = async (limit: number, after?: TComputeNode): Promise<TComputeNode[]> =>
    (
      await this.db.computeNode.findMany({
        where: after
          ? {
              OR: [
                { createdAt: { gt: after.createdAt } },
                { createdAt: after.createdAt, hypervisorId: { gt: after.hypervisorId } },
              ],
            }
          : {},
        orderBy: PAGE_ORDER,
        take: limit,
      })
    ).map(toNode);

  /**
   * Creates the node on its first report, else refreshes what the hypervisor measures. The operator's columns
   * (enabled, disabledReason, forcedDown) and the scheduler's (*Used, allocation ratios) are never in the update.
   */
  upsertReport = async (report: TComputeNodeReport, now: Date): Promise<TComputeNode> => {
    const measured = {
      driver: report.driver,
      hypervisorType: report.hypervisorType,
      hypervisorVersion: report.hypervisorVersion,
      hostIp: report.hostIp,
      vcpus: report.vcpus,
      memoryMb: report.memoryMb,
      diskGb: report.diskGb,
      ...(report.availabilityZone !== undefined && { availabilityZone: report.availabilityZone }),
      ...(report.runningVms !== undefined && { runningVms: report.runningVms }),
      lastHeartbeatAt: now,
    };
    const upsert = () =>
      this.db.computeNode.upsert({
        where: { host: report.host },
        create: { host: report.host, serviceId: randomUUID(), hypervisorId: randomUUID(), ...measured },
        update: measured,
      });
    try {
      return toNode(await upsert());
    } catch (e) {
      // two first reports of one host raced on the insert: the loser's row exists now, so it updates
      if (isUniqueViolation(e)) return toNode(await upsert());
      throw e;
    }
  };

  /** Moves the heartbeat on; false when the host has no node (never reported, or its service was deleted). */
  touch = async (host: string, now: Date): Promise<boolean> =>
    (await this.db.computeNode.updateMany({ where: { host }, data: { lastHeartbeatAt: now } })).count === 1;

  updateService = async (
    host: string,
    data: { enabled?: boolean; disabledReason?: string | null; forcedDown?: boolean },
  ): Promise<TComputeNode> => toNode(await this.db.computeNode.update({ where: { host }, data }));

  /**
   * Runs `fn` with the node's row locked: a scheduler's claim (a conditional UPDATE of the same row) waits until the
   * delete decided, so no instance lands on a host whose service is going away.
   */
  withLockedNode = <T>(host: string, fn: (tx: Tx) => Promise<T>): Promise<T> =>
    this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT host FROM "ComputeNode" WHERE host = ${host} FOR UPDATE`;
      return fn(tx);
    });

  /** What still lives on the host: its instances, resize sources and claims (an instance being built there). */
  occupancy = async (tx: Tx, host: string) => {
    const [instances, migrating, claims] = await Promise.all([
      tx.instance.count({ where: { host, deleted: false } }),
      tx.instance.count({ where: { sourceHost: host, deleted: false } }),
      tx.resourceClaim.count({ where: { host } }),
    ]);
    return { instances, migrating, claims };
  };

  deleteNode = async (tx: Tx, host: string): Promise<void> => {
    await tx.computeNode.deleteMany({ where: { host } });
  };

  /** Instances with a task in progress per host: Nova's current_workload (builds, resizes, snapshots…). */
  workload = async (hosts: string[]): Promise<Map<string, number>> => {
    if (!hosts.length) return new Map();
    const rows = await this.db.instance.groupBy({
      by: ['host'],
      where: { host: { in: hosts }, deleted: false, taskState: { not: null } },
      _count: { _all: true },
    });
    return new Map(rows.map((r) => [r.host ?? '', r._count._all]));
  };

  /** The servers each host runs (os-hypervisors with_servers), oldest first. */
  servers = async (hosts: string[]): Promise<Map<string, { id: string; name: string }[]>> => {
    const byHost = new Map<string, { id: string; name: string }[]>();
    if (!hosts.length) return byHost;
    const rows = await this.db.instance.findMany({
      where: { host: { in: hosts }, deleted: false },
      select: { id: true, name: true, host: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    for (const r of rows) {
      const list = byHost.get(r.host ?? '') ?? [];
      list.push({ id: r.id, name: r.name });
      byHost.set(r.host ?? '', list);
    }
    return byHost;
  };
}
