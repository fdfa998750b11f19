'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { Button } from '@web/components/button';
import { CliDownloads } from '@web/features/account/cli-downloads';
import { useTRPC } from '@web/lib/trpc';
import type { TSessionView } from '@server/trpc/routers/session.router';

/**
 * The user's name in the top bar; opens a popover (Escape and outside clicks close it) with who they are, their
 * API credentials for the current project (openrc, clouds.yaml, application credentials) and sign-out.
 */
export function UserMenu({ me }: { me: TSessionView }) {
  const trpc = useTRPC();
  const logout = useMutation(
    trpc.session.logout.mutationOptions({
      // a full page load leaves nothing of the session behind in memory
      onSettled: () => window.location.assign('/login'),
    }),
  );
  return (
    <>
      <button
        type="button"
        className="btn btn--ghost"
        popoverTarget="user-menu"
        aria-label={`Account: ${me.user.name}`}
      >
        {me.user.name} <span aria-hidden="true">▾</span>
      </button>
      <div id="user-menu" popover="auto" className="menu">
        <div className="menu__section">
          <div>
            Signed in as <strong>{me.user.name}</strong>
          </div>
          <div className="muted">Domain {me.user.domainName}</div>
          <div className="muted">Roles: {me.roles.join(', ') || 'none'}</div>
        </div>
        {me.project && (
          <div className="menu__section menu__actions" role="group" aria-label="API access">
            <CliDownloads size="sm" />
            {/* a client-side navigation leaves a popover open: close it as the page changes */}
            <Link href="/api-access" onClick={() => document.getElementById('user-menu')?.hidePopover()}>
              Application credentials
            </Link>
          </div>
        )}
        <Button variant="secondary" onClick={() => logout.mutate()} loading={logout.isPending}>
          Sign out
        </Button>
      </div>
    </>
  );
}
