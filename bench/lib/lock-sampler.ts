import pg from 'pg';

export type LockSample = {
  samples: number;
  /** Mean number of the control plane's sessions running a statement (not idle, not idle in transaction). */
  meanActive: number;
  /** Mean number of sessions waiting for a lock, and the statements they waited in (mean waiters each). */
  meanWaiting: number;
  waitingIn: { statement: string; mean: number }[];
};

/**
 * Samples PostgreSQL's pg_stat_activity for the benchmark's database every `everyMs`: how many of the control
 * plane's connections are busy, and which statements wait for a row lock (two claims on one host, two quota
 * reservations in one project). Nothing in the server is instrumented; this is what the database sees.
 */
export async function startLockSampler(databaseUrl: string, everyMs = 100) {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  let samples = 0;
  let active = 0;
  let waiting = 0;
  const byStatement = new Map<string, number>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const r = await c.query<{ state: string; wait: string | null; q: string }>(
        `SELECT state, wait_event_type AS wait, regexp_replace(left(query, 200), '\\s+', ' ', 'g') AS q
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`,
      );
      samples++;
      active += r.rows.length;
      for (const row of r.rows) {
        if (row.wait !== 'Lock') continue;
        waiting++;
        const statement = row.q.replace(/\$\d+/g, '?').slice(0, 110);
        byStatement.set(statement, (byStatement.get(statement) ?? 0) + 1);
      }
      await new Promise((res) => setTimeout(res, everyMs));
    }
  })();
  return {
    async stop(): Promise<LockSample> {
      stopped = true;
      await loop.catch(() => undefined);
      await c.end().catch(() => undefined);
      const n = Math.max(1, samples);
      return {
        samples,
        meanActive: active / n,
        meanWaiting: waiting / n,
        waitingIn: [...byStatement.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([statement, count]) => ({ statement, mean: count / n })),
      };
    },
  };
}
