import type { Db, Prisma } from '../../db/client';
import type { TKeyPair, TKeyPairType } from './keypair.dto';

type Row = Prisma.KeyPairGetPayload<object>;
const toKeyPair = (r: Row): TKeyPair => ({ ...r, type: r.type as TKeyPairType });

export class KeyPairsRepository {
  constructor(private readonly db: Db) {}

  get = async (userId: string, name: string): Promise<TKeyPair | null> => {
    const r = await this.db.keyPair.findUnique({ where: { userId_name: { userId, name } } });
    return r && toKeyPair(r);
  };

  /** By name, as Nova pages them; `after` is the marker's name. */
  list = async (userId: string, opts: { limit?: number; after?: string }): Promise<TKeyPair[]> => {
    const rows = await this.db.keyPair.findMany({
      where: { userId, ...(opts.after !== undefined && { name: { gt: opts.after } }) },
      orderBy: { name: 'asc' },
      take: opts.limit,
    });
    return rows.map(toKeyPair);
  };

  /**
   * Inserts the key pair unless the user already holds `limit` of them (null: no limit). The count and the insert
   * run under a per-user advisory lock, so two concurrent creates cannot both take the last slot.
   * Returns the count held before, and no key pair when the limit is reached.
   */
  createWithinLimit = async (
    data: Omit<TKeyPair, 'createdAt'>,
    limit: number | null,
  ): Promise<{ keypair: TKeyPair | null; held: number }> =>
    this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${`keypairs:${data.userId}`}))`;
      const held = await tx.keyPair.count({ where: { userId: data.userId } });
      if (limit !== null && held + 1 > limit) return { keypair: null, held };
      return { keypair: toKeyPair(await tx.keyPair.create({ data })), held };
    });

  delete = async (userId: string, name: string): Promise<number> =>
    (await this.db.keyPair.deleteMany({ where: { userId, name } })).count;
}
