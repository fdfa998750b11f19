'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@web/components/button';
import { Input, Select } from '@web/components/input';
import { useToast } from '@web/components/toast';
import { errorMessage, fieldErrors } from '@web/lib/errors';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';

export type TServerGroupRow = RouterOutputs['compute']['serverGroups']['list'][number];

/** Nova's policies, in the words the picker shows; the hard ones can make a boot fail when no host satisfies them. */
export const POLICY_LABELS: Record<TServerGroupRow['policy'], string> = {
  affinity: 'affinity (same host)',
  'anti-affinity': 'anti-affinity (different hosts)',
  'soft-affinity': 'soft-affinity (same host if possible)',
  'soft-anti-affinity': 'soft-anti-affinity (different hosts if possible)',
};
const POLICIES = Object.keys(POLICY_LABELS) as TServerGroupRow['policy'][];

export const serverGroupLabel = (g: TServerGroupRow) => `${g.name} (${g.policy})`;

/** The wizard's server group: none, one of the project's, or one created here; sent as Nova's scheduler hint `group`. */
export function ServerGroupStep({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (id: string) => void;
  error?: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const groups = useQuery(trpc.compute.serverGroups.list.queryOptions());
  const [name, setName] = useState('');
  const [policy, setPolicy] = useState<TServerGroupRow['policy']>('anti-affinity');
  const create = useMutation(
    trpc.compute.serverGroups.create.mutationOptions({
      onSuccess(g) {
        queryClient.setQueryData(trpc.compute.serverGroups.list.queryKey(), (old) => [...(old ?? []), g]);
        void queryClient.invalidateQueries({ queryKey: trpc.compute.serverGroups.list.queryKey() });
        onChange(g.id);
        setName('');
        toast.success(`Server group ${g.name} created.`);
      },
    }),
  );
  const createError = create.error ? (fieldErrors(create.error).name ?? errorMessage(create.error)) : undefined;
  const submitCreate = () => {
    if (name.trim()) create.mutate({ name: name.trim(), policy });
  };
  return (
    <>
      <Select
        label="Server group"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        options={(groups.data ?? []).map((g) => ({ value: g.id, label: serverGroupLabel(g) }))}
        placeholder="None"
        hint={
          groups.isError
            ? errorMessage(groups.error)
            : 'The scheduler keeps a group’s instances together (affinity) or apart (anti-affinity).'
        }
        error={error}
      />
      <div className="inline-create">
        <Input
          label="Or create a server group"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={255}
          autoComplete="off"
          error={createError}
          // Enter here creates the group rather than submitting the wizard's step
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            submitCreate();
          }}
        />
        <Select
          label="Policy"
          value={policy}
          onChange={(e) => setPolicy(e.target.value as TServerGroupRow['policy'])}
          options={POLICIES.map((p) => ({ value: p, label: POLICY_LABELS[p] }))}
        />
        <Button onClick={submitCreate} disabled={!name.trim()} loading={create.isPending}>
          Create group
        </Button>
      </div>
    </>
  );
}
