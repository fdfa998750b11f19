import type { Db, Prisma, Tx } from '../../db/client';
import type { TServerGroup, TServerGroupPolicy, TServerGroupRules } from './server-group.dto';

type Row = Prisma.ServerGroupGetPayload<object>;

const toGroup = (r: Row, members: string[]): TServerGroup => ({
  id: r.id,
  name: r.name,
  projectId: r.projectId,
  userId: r.userId,
  policy: r.policy as TServerGroupPolicy,
  rules: (r.rules ?? {}) as TServerGroupRules,
  members,
  createdAt: r.createdAt,
});

/** Prisma access for server groups; membership is the instances' serverGroupId, read here, never written. */
export class ServerGroupsRepository {
  constructor(private readonly db: Db) {}

  async insert(tx: Tx, g: Omit<TServerGroup, 'members' | 'createdAt'>): Promise<TServerGroup> {
    const r = await tx.serverGroup.create({ data: { ...g, rules: g.rules as Prisma.InputJsonValue } });
    return toGroup(r, []);
  }

  async get(id: string): Promise<TServerGroup | null> {
    const r = await this.db.serverGroup.findUnique({ where: { id } });
    return r && toGroup(r, (await this.membersOf([id])).get(id) ?? []);
  }

  /** Oldest first, as Nova lists them; `projectId` unset lists every project's. */
  async list(f: { projectId?: string; limit: number; offset: number }): Promise<TServerGroup[]> {
    const rows = await this.db.serverGroup.findMany({
      where: f.projectId !== undefined ? { projectId: f.projectId } : {},
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: f.limit,
      skip: f.offset,
    });
    const members = await this.membersOf(rows.map((r) => r.id));
    return rows.map((r) => toGroup(r, members.get(r.id) ?? []));
  }

  /** Deletes the row; false when it was already gone. */
  async delete(tx: Tx, id: string): Promise<boolean> {
    return (await tx.serverGroup.deleteMany({ where: { id } })).count === 1;
  }

  /**
   * Locks the group's row until the transaction ends and counts its live members, so concurrent boots into one group
   * are counted one after the other (and a concurrent delete waits). Null when the group does not exist.
   */
  static async lockAndCountMembers(tx: Tx, id: string): Promise<number | null> {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "ServerGroup" WHERE id = ${id} FOR UPDATE`;
    if (!locked.length) return null;
    return tx.instance.count({ where: { serverGroupId: id, deleted: false } });
  }

  private async membersOf(groupIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!groupIds.length) return out;
    const rows = await this.db.instance.findMany({
      where: { serverGroupId: { in: groupIds }, deleted: false },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, serverGroupId: true },
    });
    for (const r of rows) out.set(r.serverGroupId!, [...(out.get(r.serverGroupId!) ?? []), r.id]);
    return out;
  }
}
