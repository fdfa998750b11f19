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

function NavList({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <ul>
      {items.map((i) => (
        <li key={i.href}>
          <Link
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
    <Link href="/" className="brand">
      <img src="/favicon.svg" alt="" /> Cumulo
    </Link>
  );
}

function ShellSkeleton() {
  return (
    <div className="shell" aria-busy="true">
      <header className="topbar">
        <Brand />
        <span className="topbar__spacer" />
        <Skeleton width="10rem" />
      </header>
      <nav className="sidenav" aria-label="Main">
        <Skeleton width="70%" />
      </nav>
      <main className="shell__main">
        <Skeleton width="12rem" height="1.5rem" />
      </main>
    </div>
  );
}

/** Top bar, navigation and page: every signed-in page renders inside this. */
export function ConsoleShell({ children }: { children: ReactNode }) {
  const session = useSession();
  // while the session loads, and while an expired one is being sent to the login page
  if (session.isPending || (session.isError && isUnauthorized(session.error))) return <ShellSkeleton />;
  if (session.isError) {
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
    <RealtimeProvider projectId={me.project?.id}>
      <div className="shell">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <Brand />
          <ProjectSwitcher me={me} />
          <span className="topbar__spacer" />
          <LiveIndicator />
          <UserMenu me={me} />
        </header>
        <SideNav me={me} />
        <main className="shell__main" id="main">
          {children}
        </main>
      </div>
    </RealtimeProvider>
  );
}
