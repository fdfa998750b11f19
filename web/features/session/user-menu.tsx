'use client';

import { useMutation } from '@tanstack/react-query';
import { Button } from '@web/components/button';
import { useTRPC } from '@web/lib/trpc';
import type { TSessionView } from '@server/trpc/routers/session.router';

/** The user's name in the top bar; opens a popover (Escape and outside clicks close it) with who and sign-out. */
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
        <Button variant="secondary" onClick={() => logout.mutate()} loading={logout.isPending}>
          Sign out
        </Button>
      </div>
    </>
  );
}
