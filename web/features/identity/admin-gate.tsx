'use client';

import type { ReactNode } from 'react';
import { NotAuthorized } from '@web/features/session/not-authorized';
import { useSession } from '@web/features/session/use-session';

/** Admin pages render only for cloud admins; others get "not authorized" (and FORBIDDEN from the server). */
export function AdminGate({ children }: { children: ReactNode }) {
  const { data: me } = useSession();
  if (!me) return null; // the console shell shows the loading state
  if (!me.isAdmin) return <NotAuthorized />;
  return <>{children}</>;
}
