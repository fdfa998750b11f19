'use client';

import { EmptyState } from '@web/components/empty-state';
import { QuotaBars } from '@web/features/compute/quota-bars';
import { PageHeader } from '@web/components/page-header';
import { UsageChart } from '@web/features/usage/usage-chart';
import { useRealtimeFeed } from './realtime-context';
import { useSession } from './use-session';

/** The project's home page: who and where you are, the project's quota and usage over time, its live activity. */
export function ProjectOverview() {
  const { data: me } = useSession();
  const { recent } = useRealtimeFeed();
  if (!me) return null;
  return (
    <>
      <PageHeader
        title="Overview"
        description={me.project ? `Project ${me.project.name}` : 'You have no project yet.'}
      />
      <div className="grid">
        <div className="card">
          <div className="stat__label">Signed in as</div>
          <div className="stat__value" data-testid="overview-user">
            {me.user.name}
          </div>
          <div className="muted">Domain {me.user.domainName}</div>
        </div>
        <div className="card">
          <div className="stat__label">Project</div>
          <div className="stat__value" data-testid="overview-project">
            {me.project?.name ?? 'none'}
          </div>
          {me.project && <div className="muted mono">{me.project.id}</div>}
        </div>
        <div className="card">
          <div className="stat__label">Your roles here</div>
          <div className="stat__value">{me.roles.join(', ') || 'none'}</div>
          <div className="muted">Session ends {new Date(me.expiresAt).toLocaleTimeString()}</div>
        </div>
      </div>
      {me.project && (
        <>
          <h2>Compute quota</h2>
          <QuotaBars />
          <h2>Usage</h2>
          <UsageChart />
        </>
      )}
      <h2>Activity</h2>
      {recent.length === 0 ? (
        <div className="card">
          <EmptyState title="No activity yet">
            Changes to this project’s resources appear here as they happen.
          </EmptyState>
        </div>
      ) : (
        <ul className="card">
          {recent.map((e) => (
            <li key={`${e.at}-${e.type}`}>
              <span className="mono">{new Date(e.at).toLocaleTimeString()}</span> {e.type}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
