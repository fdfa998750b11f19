'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { Button } from '@web/components/button';
import { Skeleton } from '@web/components/skeleton';
import { errorMessage, isUnauthorized } from '@web/lib/errors';
import type { TSessionView } from '@server/trpc/routers/session.router';
import { ProjectSwitcher } from './project-switcher';
import { LiveIndicator, RealtimeProvider } from './realtime-context';
import { UserMenu } from './user-menu';
import { useSession } from './use-session';

type NavItem = { href: string; label: string };
const PROJECT_NAV: NavItem[] = [
  { href: '/', label: 'Overview' },
  { href: '/instances', label: 'Instances' },
  { href: '/key-pairs', label: 'Key pairs' },
  { href: '/images', label: 'Images' },
  { href: '/api-access', label: 'API access' },
];
const ADMIN_NAV: NavItem[] = [
  { href: '/admin/projects', label: 'Projects' },
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/role-assignments', label: 'Role assignments' },
  { href: '/admin/hypervisors', label: 'Hypervisors' },
  { href: '/admin/compute-services', label: 'Compute services' },
  { href: '/admin/instances', label: 'All instances' },
  { href: '/admin/flavors', label: 'Flavors' },
  { href: '/admin/quotas', label: 'Quotas' },
];

/**
 * The navigation's links do not prefetch their pages as they come into view (Next's default): on a small machine the
 * dozen background route fetches slowed the page's own first render by a third (docs/benchmarks.md, Dashboard).
 */
function NavList({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <ul>
      {items.map((i) => (
        <li key={i.href}>
          <Link
            prefetch={false}
            href={i.href}
            aria-current={
              pathname === i.href || (i.href !== '/' && pathname.startsWith(`${i.href}/`)) ? 'page' : undefined
            }
          >
            {i.label}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** The side navigation; admin pages are listed only to admins (the server refuses them to others anyway). */
function SideNav({ me }: { me: TSessionView }) {
  return (
    <nav className="sidenav" aria-label="Main">
      <p className="sidenav__heading">Project</p>
      <NavList items={PROJECT_NAV} />
      {me.isAdmin && (
        <>
          <p className="sidenav__heading">Admin</p>
          <NavList items={ADMIN_NAV} />
        </>
      )}
    </nav>
  );
}

function Brand() {
  return (
    <Link href="/" className="brand" prefetch={false}>
      <img src="/favicon.svg" alt="" /> Cumulo
    </Link>
  );
}

/**
 * Top bar, navigation and page: every signed-in page renders inside this. The page renders at once, not after the
 * session query: its own queries then leave in the same batch as the session's instead of one round trip later (the
 * frame shows placeholders meanwhile). An expired session's page is not shown while the browser goes to sign in.
 */
export function ConsoleShell({ children }: { children: ReactNode }) {
  const session = useSession();
  if (session.isError && !isUnauthorized(session.error)) {
    return (
      <main className="centered">
        <div className="card card--narrow" role="alert">
          <h1>The dashboard cannot load</h1>
          <p className="muted">{errorMessage(session.error)}</p>
          <Button variant="primary" onClick={() => void session.refetch()}>
            Try again
          </Button>
        </div>
      </main>
    );
  }
  const me = session.data;
  return (
    <RealtimeProvider projectId={me?.project?.id}>
      <div className="shell" aria-busy={me ? undefined : true}>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <Brand />
          {me && <ProjectSwitcher me={me} />}
          <span className="topbar__spacer" />
          {me ? (
            <>
              <LiveIndicator />
              <UserMenu me={me} />
            </>
          ) : (
            <Skeleton width="10rem" />
          )}
        </header>
        {me ? (
          <SideNav me={me} />
        ) : (
          <nav className="sidenav" aria-label="Main">
            <Skeleton width="70%" />
          </nav>
        )}
        <main className="shell__main" id="main">
          {session.isError ? <Skeleton width="12rem" height="1.5rem" /> : children}
        </main>
      </div>
    </RealtimeProvider>
  );
}
