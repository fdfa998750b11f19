import { newId } from '../../lib/ids';
import type { CredentialsRepository } from './credentials.repository';
import type { TTokenPayload } from './token-codec';

type Event = { auditId: string | null; userId: string | null; projectId: string | null; revokedAt: Date };

/** An event revokes the tokens issued up to its moment; tokens issued after it stay valid. */
const revokes = (m: Map<string, Date>, key: string | undefined, iat: number) => key !== undefined && (m.get(key)?.getTime() ?? -1) >= iat;

/**
 * Keystone-style revocation events, kept in PostgreSQL (so they survive restarts) and mirrored in memory (so that
 * validating a token costs no query). The mirror catches up with other processes' revocations at most
 * `maxStalenessMs` later; revocations made by this process apply at once.
 */
export class RevocationList {
  private byAudit = new Map<string, Date>();
  private byUser = new Map<string, Date>();
  private byProject = new Map<string, Date>();
  private syncedUpTo = new Date(0);
  private lastSync = 0;
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly repo: CredentialsRepository,
    private readonly tokenTtlMs: number,
    private readonly maxStalenessMs = 1000,
  ) {}

  async isRevoked(t: TTokenPayload): Promise<boolean> {
    if (Date.now() - this.lastSync > this.maxStalenessMs) await this.sync();
    return (
      revokes(this.byAudit, t.a, t.iat) || revokes(this.byAudit, t.pa, t.iat) || revokes(this.byUser, t.u, t.iat) || revokes(this.byProject, t.p, t.iat)
    );
  }

  revokeToken = (t: TTokenPayload) => this.add({ auditId: t.a });
  /** Tokens carry their chain's first audit id in `pa`, so one event by that id revokes the whole chain. */
  revokeChain = (t: TTokenPayload) => this.add({ auditId: t.pa ?? t.a });
  revokeUser = (userId: string) => this.add({ userId });
  revokeProject = (projectId: string) => this.add({ projectId });

  private async add(e: { auditId?: string; userId?: string; projectId?: string }) {
    // the same clock that stamps tokens' iat stamps the event, so "issued before" is an exact comparison
    const revokedAt = new Date();
    await this.repo.addRevocation({ id: newId(), ...e, revokedAt, expiresAt: new Date(revokedAt.getTime() + this.tokenTtlMs) });
    this.apply({ auditId: e.auditId ?? null, userId: e.userId ?? null, projectId: e.projectId ?? null, revokedAt });
  }

  private apply(e: Event) {
    const put = (m: Map<string, Date>, k: string | null) => {
      if (k !== null && (m.get(k)?.getTime() ?? -1) < e.revokedAt.getTime()) m.set(k, e.revokedAt);
    };
    put(this.byAudit, e.auditId);
    put(this.byUser, e.userId);
    put(this.byProject, e.projectId);
  }

  /** One query at a time, whatever the number of concurrent validations waiting on it. */
  sync(): Promise<void> {
    this.syncing ??= (async () => {
      const startedAt = Date.now();
      // overlap by a second: rows committed slightly out of order by other processes are still seen
      const since = new Date(this.syncedUpTo.getTime() - 1000);
      for (const e of await this.repo.revocationsSince(since)) {
        this.apply(e);
        if (e.revokedAt > this.syncedUpTo) this.syncedUpTo = e.revokedAt;
      }
      this.lastSync = startedAt;
    })().finally(() => (this.syncing = null));
    return this.syncing;
  }
}
