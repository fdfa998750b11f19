'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@web/components/button';
import { ConfirmDialog } from '@web/components/dialog';
import { EmptyState } from '@web/components/empty-state';
import { PageHeader } from '@web/components/page-header';
import { Table, type Column } from '@web/components/table';
import { useToast } from '@web/components/toast';
import { formatDateTime } from '@web/features/compute/format';
import { errorMessage, formError } from '@web/lib/errors';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';
import { AppCredentialSecretDialog } from './app-credential-secret-dialog';
import { CliDownloads } from './cli-downloads';
import { CreateAppCredentialDialog, type TCreatedAppCredential } from './create-app-credential-dialog';
import './account.css';

type TCredentialRow = RouterOutputs['account']['appCredentials']['list'][number];
type Open =
  | { kind: 'create' }
  | { kind: 'created'; created: TCreatedAppCredential }
  | { kind: 'delete'; credential: TCredentialRow }
  | null;

function useCredentialsRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: trpc.account.appCredentials.list.queryKey() });
}

function DeleteAppCredentialDialog({ credential, onClose }: { credential: TCredentialRow; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useCredentialsRefresh();
  const del = useMutation(
    trpc.account.appCredentials.delete.mutationOptions({
      onSuccess() {
        refresh();
        toast.success(`Application credential ${credential.name} deleted.`);
        onClose();
      },
    }),
  );
  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={`Delete application credential ${credential.name}?`}
      description="Scripts using it can no longer sign in, and the tokens it issued stop working now."
      submitLabel="Delete"
      onConfirm={() => del.mutate({ id: credential.id })}
      pending={del.isPending}
      error={formError(del.error)}
    />
  );
}

const projectOf = (c: TCredentialRow, current: string | undefined) =>
  c.projectId === current ? 'this project' : c.projectId;

/** The user's API access: where the Identity API is, the openrc/clouds.yaml files, and application credentials. */
export function ApiAccessPage() {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useCredentialsRefresh();
  const target = useQuery(trpc.account.cliTarget.queryOptions());
  const credentials = useQuery(trpc.account.appCredentials.list.queryOptions());
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const columns: Column<TCredentialRow>[] = [
    {
      key: 'name',
      header: 'Name',
      cell: (c) => (
        <>
          <strong>{c.name}</strong>
          {c.description && <div className="muted">{c.description}</div>}
        </>
      ),
    },
    {
      key: 'project',
      header: 'Project',
      cell: (c) => <span className="mono">{projectOf(c, target.data?.project.id)}</span>,
    },
    { key: 'roles', header: 'Roles', cell: (c) => c.roles.map((r) => r.name).join(', ') },
    { key: 'expires', header: 'Expires', cell: (c) => (c.expiresAt ? formatDateTime(c.expiresAt) : 'Never') },
    { key: 'unrestricted', header: 'Unrestricted', cell: (c) => (c.unrestricted ? 'Yes' : 'No') },
    { key: 'id', header: 'ID', cell: (c) => <span className="mono">{c.id}</span> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'end',
      cell: (c) => (
        <Button
          size="sm"
          variant="ghost"
          onClick={() => setOpen({ kind: 'delete', credential: c })}
          aria-label={`Delete application credential ${c.name}`}
        >
          Delete
        </Button>
      ),
    },
  ];
  const create = (
    <Button variant="primary" onClick={() => setOpen({ kind: 'create' })}>
      Create application credential
    </Button>
  );
  return (
    <>
      <PageHeader
        title="API access"
        description="Use the OpenStack command-line tools and SDKs with this cloud: as yourself, or with an application credential."
      />
      <section className="card api-access" aria-labelledby="cli-heading">
        <h2 id="cli-heading">Your credentials for this project</h2>
        {target.isError ? (
          <p className="muted">{errorMessage(target.error)}</p>
        ) : (
          <dl className="api-access__facts">
            <dt>Identity API</dt>
            <dd className="mono" data-testid="identity-endpoint">
              {target.data?.authUrl ?? '…'}
            </dd>
            <dt>Region</dt>
            <dd>{target.data?.regionName ?? '…'}</dd>
            <dt>Project</dt>
            <dd>{target.data?.project.name ?? '…'}</dd>
          </dl>
        )}
        <p className="muted">The openrc asks for your password when you source it; clouds.yaml leaves it out.</p>
        <div className="btn-row">
          <CliDownloads />
        </div>
      </section>
      <div className="page-header">
        <h2>Application credentials</h2>
        <div className="btn-row">{create}</div>
      </div>
      <Table
        caption="Application credentials"
        columns={columns}
        rows={credentials.data}
        rowKey={(c) => c.id}
        loading={credentials.isPending}
        error={credentials.isError && errorMessage(credentials.error)}
        empty={
          <EmptyState title="No application credentials yet" action={create}>
            Create one for a script or a CI job: it works on this project only, with the roles you give it.
          </EmptyState>
        }
      />
      {open?.kind === 'create' && (
        <CreateAppCredentialDialog
          onClose={close}
          onCreated={(created) => {
            refresh();
            toast.success(`Application credential ${created.credential.name} created.`);
            setOpen({ kind: 'created', created });
          }}
        />
      )}
      {open?.kind === 'created' && (
        <AppCredentialSecretDialog created={open.created} target={target.data} onClose={close} />
      )}
      {open?.kind === 'delete' && <DeleteAppCredentialDialog credential={open.credential} onClose={close} />}
    </>
  );
}
