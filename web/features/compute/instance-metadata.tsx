'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@web/components/button';
import { ConfirmDialog, FormDialog } from '@web/components/dialog';
import { EmptyState } from '@web/components/empty-state';
import { Input } from '@web/components/input';
import { Table, type Column } from '@web/components/table';
import { useToast } from '@web/components/toast';
import { errorMessage, fieldErrors, formError } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { lockedReason, metadataBlockedReason } from './instance-actions';
import type { TServerRow } from './use-instance-events';

/** Nova's limits on one item (server.dto.ts's MAX_METADATA_LENGTH), shown by the fields before the server checks them. */
const MAX_LENGTH = 255;

type Item = { key: string; value: string };
type Open = { kind: 'add' } | { kind: 'edit' | 'delete'; item: Item } | null;

function tooLong(s: string) {
  return s.length > MAX_LENGTH ? `must be at most ${MAX_LENGTH} characters (${s.length} now)` : undefined;
}

/** Adds an item, or changes the value of one (its key stays: a new key is a new item). */
function MetadataItemDialog({ server, item, onClose }: { server: TServerRow; item?: Item; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [key, setKey] = useState(item?.key ?? '');
  const [value, setValue] = useState(item?.value ?? '');
  const [touched, setTouched] = useState(false);
  const set = useMutation(
    trpc.compute.metadata.set.mutationOptions({
      onSuccess(map) {
        queryClient.setQueryData(trpc.compute.metadata.list.queryKey({ id: server.id }), map);
        toast.success(item ? `Metadata ${key} changed.` : `Metadata ${key} added.`);
        onClose();
      },
    }),
  );
  const server400 = fieldErrors(set.error);
  const keyError = (touched && !key ? 'Enter a key.' : undefined) ?? tooLong(key) ?? server400.key;
  const valueError = tooLong(value) ?? server400.value;
  return (
    <FormDialog
      open
      onClose={onClose}
      title={item ? `Edit metadata ${item.key}` : 'Add metadata'}
      submitLabel={item ? 'Save' : 'Add'}
      onSubmit={() => {
        setTouched(true);
        if (!key || tooLong(key) || tooLong(value)) return;
        set.mutate({ id: server.id, key, value });
      }}
      pending={set.isPending}
      error={formError(set.error)}
    >
      <Input
        label="Key"
        value={key}
        onChange={(e) => setKey(e.target.value)}
        readOnly={!!item}
        autoFocus={!item}
        autoComplete="off"
        hint={`1 to ${MAX_LENGTH} characters.`}
        error={keyError}
      />
      <Input
        label="Value"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        autoFocus={!!item}
        autoComplete="off"
        hint={`Up to ${MAX_LENGTH} characters.`}
        error={valueError}
      />
    </FormDialog>
  );
}

function DeleteMetadataDialog({ server, item, onClose }: { server: TServerRow; item: Item; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const del = useMutation(
    trpc.compute.metadata.delete.mutationOptions({
      onSuccess(map) {
        queryClient.setQueryData(trpc.compute.metadata.list.queryKey({ id: server.id }), map);
        toast.success(`Metadata ${item.key} deleted.`);
        onClose();
      },
    }),
  );
  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={`Delete metadata ${item.key}?`}
      submitLabel="Delete"
      onConfirm={() => del.mutate({ id: server.id, key: item.key })}
      pending={del.isPending}
      error={formError(del.error)}
    />
  );
}

/** The instance's metadata: key/value pairs, changeable while the instance is settled (no task, not resizing). */
export function InstanceMetadata({ server, isAdmin }: { server: TServerRow; isAdmin: boolean }) {
  const trpc = useTRPC();
  const metadata = useQuery(trpc.compute.metadata.list.queryOptions({ id: server.id }));
  const usage = useQuery(trpc.compute.quota.usage.queryOptions());
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const why = lockedReason(server, isAdmin) ?? metadataBlockedReason(server);
  const items = metadata.data ? Object.entries(metadata.data).map(([key, value]) => ({ key, value })) : undefined;
  const limit = usage.data?.metadata_items?.limit;
  const full = limit !== undefined && limit >= 0 && (items?.length ?? 0) >= limit;

  const columns: Column<Item>[] = [
    { key: 'key', header: 'Key', className: 'mono', cell: (i) => i.key },
    { key: 'value', header: 'Value', cell: (i) => i.value },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'end',
      cell: (i) => (
        <span className="btn-row">
          <Button
            size="sm"
            disabled={!!why}
            onClick={() => setOpen({ kind: 'edit', item: i })}
            aria-label={`Edit metadata ${i.key}`}
          >
            Edit
          </Button>
          <Button
            size="sm"
            variant="ghost"
            disabled={!!why}
            onClick={() => setOpen({ kind: 'delete', item: i })}
            aria-label={`Delete metadata ${i.key}`}
          >
            Delete
          </Button>
        </span>
      ),
    },
  ];
  return (
    <>
      <div className="metadata-bar">
        <Button
          size="sm"
          disabled={!!why || full}
          aria-describedby={why || full ? 'metadata-why' : undefined}
          onClick={() => setOpen({ kind: 'add' })}
        >
          Add metadata
        </Button>
        {(why || full) && (
          <span className="action-grid__reason" id="metadata-why">
            {why ?? `The project allows ${limit} items per instance.`}
          </span>
        )}
        {limit !== undefined && limit >= 0 && !full && (
          <span className="muted">
            {items?.length ?? 0} of {limit} items
          </span>
        )}
      </div>
      <Table
        caption="Metadata"
        columns={columns}
        rows={items}
        rowKey={(i) => i.key}
        loading={metadata.isPending}
        error={metadata.isError && errorMessage(metadata.error)}
        empty={<EmptyState title="No metadata">Key/value pairs you set on the instance show here.</EmptyState>}
      />
      {open?.kind === 'add' && <MetadataItemDialog server={server} onClose={close} />}
      {open?.kind === 'edit' && <MetadataItemDialog server={server} item={open.item} onClose={close} />}
      {open?.kind === 'delete' && <DeleteMetadataDialog server={server} item={open.item} onClose={close} />}
    </>
  );
}
