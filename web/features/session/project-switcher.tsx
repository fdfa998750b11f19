'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useToast } from '@web/components/toast';
import { errorMessage } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import type { TSessionView } from '@server/trpc/routers/session.router';

/** The projects the user holds a role on; choosing one rescopes the session to it. */
export function ProjectSwitcher({ me }: { me: TSessionView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const id = useId();
  const projects = useQuery(trpc.session.projects.queryOptions());
  const switchProject = useMutation(
    trpc.session.switchProject.mutationOptions({
      async onSuccess(next) {
        queryClient.setQueryData(trpc.session.me.queryKey(), next);
        // everything cached belongs to the previous project (and maybe another set of roles)
        await queryClient.invalidateQueries();
        toast.success(`Now working in project ${next.project?.name ?? ''}.`);
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );

  const options = projects.data ?? (me.project ? [me.project] : []);
  return (
    <div className="switcher">
      <label htmlFor={id}>Project</label>
      <select
        id={id}
        className="input select"
        value={me.project?.id ?? ''}
        disabled={switchProject.isPending || options.length === 0}
        aria-busy={switchProject.isPending || undefined}
        onChange={(e) => e.target.value && switchProject.mutate({ projectId: e.target.value })}
      >
        {!me.project && <option value="">No project</option>}
        {options.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </div>
  );
}
