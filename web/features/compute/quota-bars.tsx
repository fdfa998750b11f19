'use client';

import { useQuery } from '@tanstack/react-query';
import { Skeleton } from '@web/components/skeleton';
import { cx } from '@web/lib/cx';
import { errorMessage } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { formatMiB } from './format';
import './compute.css';

const BARS = [
  { resource: 'instances', label: 'Instances', show: String },
  { resource: 'cores', label: 'vCPUs', show: String },
  { resource: 'ram', label: 'RAM', show: formatMiB },
] as const;

/** How much of the project's compute quota is used: instances, vCPUs, RAM. */
export function QuotaBars() {
  const trpc = useTRPC();
  const usage = useQuery(trpc.compute.quota.usage.queryOptions());
  if (usage.isError) return <p className="muted">{errorMessage(usage.error)}</p>;
  return (
    <div className="grid" aria-busy={usage.isPending || undefined}>
      {BARS.map((b) => {
        const q = usage.data?.[b.resource];
        const unlimited = !!q && q.limit < 0;
        const pct = q && !unlimited ? (q.limit === 0 ? 100 : Math.min(100, (q.inUse / q.limit) * 100)) : 0;
        return (
          <div key={b.resource} className="card quota">
            <div className="quota__head">
              <span className="stat__label">{b.label}</span>
              {q ? (
                <span data-testid={`quota-${b.resource}`}>
                  {b.show(q.inUse)} of {unlimited ? 'unlimited' : b.show(q.limit)}
                </span>
              ) : (
                <Skeleton width="5rem" />
              )}
            </div>
            <div
              className="quota__bar"
              role="meter"
              aria-label={`${b.label} used`}
              aria-valuemin={0}
              aria-valuemax={unlimited || !q ? undefined : q.limit}
              aria-valuenow={q?.inUse}
            >
              <div
                className={cx(
                  'quota__fill',
                  pct >= 100 && 'quota__fill--full',
                  pct >= 80 && pct < 100 && 'quota__fill--high',
                )}
                style={{ width: `${pct}%` }}
              />
            </div>
          </div>
        );
      })}
    </div>
  );
}
