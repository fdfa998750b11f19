'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button } from '@web/components/button';
import { EmptyState } from '@web/components/empty-state';
import { Input, Select } from '@web/components/input';
import { PageHeader } from '@web/components/page-header';
import { Skeleton } from '@web/components/skeleton';
import { useToast } from '@web/components/toast';
import { errorMessage, fieldErrors, formError } from '@web/lib/errors';
import { useTRPC, type RouterInputs, type RouterOutputs } from '@web/lib/trpc';
import { numberFieldError } from './usage-bar';
import './admin.css';

type TQuotaRow = RouterOutputs['computeAdmin']['quotas']['get'][number];
type TLimits = RouterInputs['computeAdmin']['quotas']['set']['limits'];

const LABELS: Record<string, { label: string; unit?: string }> = {
  instances: { label: 'Instances' },
  cores: { label: 'vCPUs' },
  ram: { label: 'RAM', unit: 'MiB' },
  key_pairs: { label: 'Key pairs (per user)' },
  metadata_items: { label: 'Metadata items (per instance)' },
  server_groups: { label: 'Server groups' },
  server_group_members: { label: 'Members per server group' },
};
const labelOf = (resource: string) => LABELS[resource] ?? { label: resource.replaceAll('_', ' ') };
const ORDER = Object.keys(LABELS);
/** The usual questions first (how many instances, cores, how much RAM), then the rest. */
const byImportance = (a: TQuotaRow, b: TQuotaRow) =>
  (ORDER.indexOf(a.resource) + 1 || 99) - (ORDER.indexOf(b.resource) + 1 || 99);

/** The limits of one project, edited together; -1 means unlimited. */
function QuotaForm({ projectId, rows }: { projectId: string; rows: TQuotaRow[] }) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const set = useMutation(
    trpc.computeAdmin.quotas.set.mutationOptions({
      onSuccess(next) {
        queryClient.setQueryData(trpc.computeAdmin.quotas.get.queryKey({ projectId }), next);
        toast.success('Quotas saved.');
      },
    }),
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const limits: Record<string, number> = {};
    for (const r of rows) {
      const raw = String(form.get(r.resource) ?? '').trim();
      const value = raw === '' ? NaN : Number(raw);
      // only what changed: an untouched limit stays whatever it was (the project's own or the default)
      if (value !== r.limit) limits[r.resource] = value;
    }
    set.mutate({ projectId, limits: limits as TLimits });
  };
  const errors = fieldErrors(set.error, 'limits.');
  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Compute quotas">
      <div className="quota-grid">
        {[...rows].sort(byImportance).map((r) => {
          const { label, unit } = labelOf(r.resource);
          return (
            <Input
              key={`${r.resource}:${r.limit}`}
              label={unit ? `${label} (${unit})` : label}
              name={r.resource}
              type="number"
              min={-1}
              step={1}
              required
              defaultValue={r.limit}
              hint={`In use: ${r.inUse}${r.limit === -1 ? ' · unlimited' : ''}`}
              error={numberFieldError(errors[r.resource])}
            />
          );
        })}
      </div>
      {set.error && (
        <p className="form__error" role="alert">
          {formError(set.error)}
        </p>
      )}
      <div className="dialog__actions">
        <Button type="submit" variant="primary" loading={set.isPending}>
          Save quotas
        </Button>
      </div>
    </form>
  );
}

export function QuotasPage() {
  const trpc = useTRPC();
  const projects = useQuery(trpc.admin.projects.list.queryOptions());
  const [projectId, setProjectId] = useState('');
  const quotas = useQuery(trpc.computeAdmin.quotas.get.queryOptions({ projectId }, { enabled: projectId !== '' }));

  let body;
  if (!projectId) {
    body = (
      <div className="card">
        <EmptyState title="Choose a project">Its compute limits and what it uses now appear here.</EmptyState>
      </div>
    );
  } else if (quotas.isPending) {
    body = (
      <div className="card" aria-busy="true">
        <Skeleton width="70%" />
      </div>
    );
  } else if (quotas.isError) {
    body = (
      <div className="card table__message" role="alert">
        {errorMessage(quotas.error)}
      </div>
    );
  } else {
    body = <QuotaForm key={projectId} projectId={projectId} rows={quotas.data} />;
  }

  return (
    <>
      <PageHeader
        title="Quotas"
        description="How much of the cloud each project may take. A limit cannot go below what the project uses now; -1 is unlimited."
      />
      <div className="toolbar">
        <Select
          label="Project"
          options={(projects.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          placeholder={projects.isPending ? 'Loading…' : 'Choose a project'}
          value={projectId}
          onChange={(e) => setProjectId(e.target.value)}
        />
      </div>
      {body}
    </>
  );
}
