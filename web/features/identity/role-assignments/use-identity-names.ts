'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@web/lib/trpc';

/** Users, projects and roles, for choosing them in forms and naming them in tables (assignments carry ids). */
export function useIdentityNames() {
  const trpc = useTRPC();
  const users = useQuery(trpc.admin.users.list.queryOptions());
  const projects = useQuery(trpc.admin.projects.list.queryOptions());
  const roles = useQuery(trpc.admin.roles.list.queryOptions());
  const name = (list: { id: string; name: string }[] | undefined, id: string) => list?.find((x) => x.id === id)?.name;
  return {
    users,
    projects,
    roles,
    userName: (id: string) => name(users.data, id),
    projectName: (id: string) => name(projects.data, id),
    options: {
      users: (users.data ?? []).map((u) => ({ value: u.id, label: u.name })),
      projects: (projects.data ?? []).map((p) => ({ value: p.id, label: p.name })),
      roles: (roles.data ?? []).map((r) => ({ value: r.id, label: r.name })),
    },
  };
}
