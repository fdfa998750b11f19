'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@web/components/button';
import { ConfirmDialog, FormDialog } from '@web/components/dialog';
import { EmptyState } from '@web/components/empty-state';
import { Input } from '@web/components/input';
import { PageHeader } from '@web/components/page-header';
import { Table, type Column } from '@web/components/table';
import { useToast } from '@web/components/toast';
import { errorMessage, fieldErrors, formError } from '@web/lib/errors';
import { text } from '@web/lib/form-data';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';
import { downloadText, keyFileName } from './download';
import { formatDateTime } from './format';
import { Textarea } from './textarea';
import './compute.css';

type TKeyRow = RouterOutputs['compute']['keypairs']['list'][number];
type Open = { kind: 'create' | 'import' } | { kind: 'delete'; key: TKeyRow } | null;

function useKeysRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: trpc.compute.keypairs.list.queryKey() });
}

/** Generates a pair; the private key is downloaded as a file at once, the only time it exists anywhere. */
function CreateKeyPairDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useKeysRefresh();
  const create = useMutation(
    trpc.compute.keypairs.create.mutationOptions({
      onSuccess(r) {
        downloadText(keyFileName(r.keypair.name), r.privateKey);
        refresh();
        toast.success(
          `Key pair ${r.keypair.name} created. Its private key was downloaded as ${keyFileName(r.keypair.name)}: keep it safe, it cannot be downloaded again.`,
        );
        onClose();
      },
    }),
  );
  return (
    <FormDialog
      open
      onClose={onClose}
      title="Create key pair"
      description="The private key downloads once, now. Cumulo keeps only the public key."
      submitLabel="Create and download"
      onSubmit={(f) => create.mutate({ name: text(f, 'name') })}
      pending={create.isPending}
      error={formError(create.error)}
    >
      <Input
        label="Name"
        name="name"
        required
        autoFocus
        maxLength={255}
        autoComplete="off"
        error={fieldErrors(create.error).name}
      />
    </FormDialog>
  );
}

function ImportKeyPairDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useKeysRefresh();
  const imp = useMutation(
    trpc.compute.keypairs.import.mutationOptions({
      onSuccess(k) {
        refresh();
        toast.success(`Key pair ${k.name} imported.`);
        onClose();
      },
    }),
  );
  const errors = fieldErrors(imp.error);
  return (
    <FormDialog
      open
      onClose={onClose}
      title="Import key pair"
      description="Paste an OpenSSH public key (the contents of ~/.ssh/id_ed25519.pub, say)."
      submitLabel="Import"
      onSubmit={(f) => imp.mutate({ name: text(f, 'name'), publicKey: text(f, 'publicKey') })}
      pending={imp.isPending}
      error={formError(imp.error)}
    >
      <Input label="Name" name="name" required autoFocus maxLength={255} autoComplete="off" error={errors.name} />
      <Textarea
        label="Public key"
        name="publicKey"
        required
        placeholder="ssh-ed25519 AAAA… you@host"
        error={errors.publicKey}
      />
    </FormDialog>
  );
}

function DeleteKeyPairDialog({ keyPair, onClose }: { keyPair: TKeyRow; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useKeysRefresh();
  const del = useMutation(
    trpc.compute.keypairs.delete.mutationOptions({
      onSuccess() {
        refresh();
        toast.success(`Key pair ${keyPair.name} deleted.`);
        onClose();
      },
    }),
  );
  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={`Delete key pair ${keyPair.name}?`}
      description="Instances already launched with it keep the key; new ones can no longer use it."
      submitLabel="Delete"
      onConfirm={() => del.mutate({ name: keyPair.name })}
      pending={del.isPending}
      error={formError(del.error)}
    />
  );
}

/** The user's SSH key pairs (they belong to the user, not the project, as in Nova). */
export function KeyPairsPage() {
  const trpc = useTRPC();
  const keys = useQuery(trpc.compute.keypairs.list.queryOptions());
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const columns: Column<TKeyRow>[] = [
    { key: 'name', header: 'Name', cell: (k) => <strong>{k.name}</strong> },
    { key: 'type', header: 'Type', cell: (k) => k.type },
    { key: 'fingerprint', header: 'Fingerprint', cell: (k) => <span className="mono">{k.fingerprint}</span> },
    { key: 'created', header: 'Created', cell: (k) => formatDateTime(k.createdAt) },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'end',
      cell: (k) => (
        <Button
          size="sm"
          variant="ghost"
          onClick={() => setOpen({ kind: 'delete', key: k })}
          aria-label={`Delete key pair ${k.name}`}
        >
          Delete
        </Button>
      ),
    },
  ];
  const actions = (
    <>
      <Button onClick={() => setOpen({ kind: 'import' })}>Import key pair</Button>
      <Button variant="primary" onClick={() => setOpen({ kind: 'create' })}>
        Create key pair
      </Button>
    </>
  );
  return (
    <>
      <PageHeader
        title="Key pairs"
        description="SSH keys put into instances at launch. They are yours, in every project."
        actions={actions}
      />
      <Table
        caption="Key pairs"
        columns={columns}
        rows={keys.data}
        rowKey={(k) => k.name}
        loading={keys.isPending}
        error={keys.isError && errorMessage(keys.error)}
        empty={
          <EmptyState title="No key pairs yet" action={actions}>
            Create one (its private key downloads once) or import your own public key.
          </EmptyState>
        }
      />
      {open?.kind === 'create' && <CreateKeyPairDialog onClose={close} />}
      {open?.kind === 'import' && <ImportKeyPairDialog onClose={close} />}
      {open?.kind === 'delete' && <DeleteKeyPairDialog keyPair={open.key} onClose={close} />}
    </>
  );
}
