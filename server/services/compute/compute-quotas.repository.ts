import type { Db } from '../../db/client';

/** The counts Nova takes from the resources themselves rather than from reserved usage. */
export class ComputeQuotasRepository {
  constructor(private readonly db: Db) {}

  /** Key pairs belong to users: Nova counts them per user, whatever the project. */
  keyPairsOf = (userId: string): Promise<number> => this.db.keyPair.count({ where: { userId } });

  serverGroupsOf = (projectId: string): Promise<number> => this.db.serverGroup.count({ where: { projectId } });
}
