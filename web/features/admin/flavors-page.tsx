'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@web/components/button';
import { ConfirmDialog, FormDialog } from '@web/components/dialog';
import { EmptyState } from '@web/components/empty-state';
import { Checkbox, Input } from '@web/components/input';
import { PageHeader } from '@web/components/page-header';
import { Table, type Column } from '@web/components/table';
import { useToast } from '@web/components/toast';
import { fieldErrors, formError, errorMessage } from '@web/lib/errors';
import { checked, optionalText, text } from '@web/lib/form-data';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';
import { formatMiB, numberFieldError } from './usage-bar';
import './admin.css';

type TFlavorRow = RouterOutputs['computeAdmin']['flavors']['list'][number];
type Open = { kind: 'create' } | { kind: 'delete'; flavor: TFlavorRow } | null;

const int = (form: FormData, name: string) => {
  const v = text(form, name);
  return v === '' ? NaN : Number(v);
};

function useFlavorsRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // the project pages list flavors too (the launch wizard)
  return () => queryClient.invalidateQueries({ queryKey: trpc.computeAdmin.flavors.pathKey() });
}

function CreateFlavorDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useFlavorsRefresh();
  const create = useMutation(
    trpc.computeAdmin.flavors.create.mutationOptions({
      onSuccess(f) {
        void refresh();
        toast.success(`Flavor ${f.name} created.`);
        onClose();
      },
    }),
  );
  const errors = Object.fromEntries(
    Object.entries(fieldErrors(create.error)).map(([k, m]) => [k, numberFieldError(m)]),
  );
  return (
    <FormDialog
      open
      onClose={onClose}
      title="Create flavor"
      submitLabel="Create flavor"
      onSubmit={(form) =>
        create.mutate({
          name: text(form, 'name'),
          vcpus: int(form, 'vcpus'),
          ramMb: int(form, 'ramMb'),
          diskGb: int(form, 'diskGb'),
          ephemeralGb: int(form, 'ephemeralGb') || 0,
          swapMb: int(form, 'swapMb') || 0,
          isPublic: checked(form, 'isPublic'),
          description: optionalText(form, 'description') ?? null,
        })
      }
      pending={create.isPending}
      error={formError(create.error)}
    >
      <Input label="Name" name="name" required autoFocus maxLength={255} error={errors.name} />
      <div className="field-row">
        <Input label="vCPUs" name="vcpus" type="number" min={1} required defaultValue={1} error={errors.vcpus} />
        <Input label="RAM (MiB)" name="ramMb" type="number" min={1} required defaultValue={512} error={errors.ramMb} />
      </div>
      <div className="field-row">
        <Input
          label="Root disk (GiB)"
          name="diskGb"
          type="number"
          min={0}
          required
          defaultValue={1}
          error={errors.diskGb}
        />
        <Input
          label="Ephemeral disk (GiB)"
          name="ephemeralGb"
          type="number"
          min={0}
          defaultValue={0}
          error={errors.ephemeralGb}
        />
      </div>
      <Input label="Swap (MiB)" name="swapMb" type="number" min={0} defaultValue={0} error={errors.swapMb} />
      <Input label="Description" name="description" maxLength={255} error={errors.description} />
      <Checkbox label="Public (every project may use it)" name="isPublic" defaultChecked />
    </FormDialog>
  );
}

function DeleteFlavorDialog({ flavor, onClose }: { flavor: TFlavorRow; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useFlavorsRefresh();
  const remove = useMutation(
    trpc.computeAdmin.flavors.delete.mutationOptions({
      onSuccess() {
        void refresh();
        toast.success(`Flavor ${flavor.name} deleted.`);
        onClose();
      },
    }),
  );
  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={`Delete flavor ${flavor.name}?`}
      description="No new instance can be launched with it. Running instances keep their own copy of its sizes."
      submitLabel="Delete flavor"
      onConfirm={() => remove.mutate({ id: flavor.id })}
      pending={remove.isPending}
      error={formError(remove.error)}
    />
  );
}

export function FlavorsPage() {
  const trpc = useTRPC();
  const flavors = useQuery(trpc.computeAdmin.flavors.list.queryOptions());
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);

  const columns: Column<TFlavorRow>[] = [
    {
      key: 'name',
      header: 'Name',
      cell: (f) => (
        <>
          <strong>{f.name}</strong>
          <span className="cell-sub mono">{f.id}</span>
          {f.description && <span className="cell-sub">{f.description}</span>}
        </>
      ),
    },
    { key: 'vcpus', header: 'vCPUs', className: 'cell-nowrap', cell: (f) => f.vcpus },
    { key: 'ram', header: 'RAM', className: 'cell-nowrap', cell: (f) => formatMiB(f.ramMb) },
    { key: 'disk', header: 'Root disk', className: 'cell-nowrap', cell: (f) => `${f.diskGb} GiB` },
    {
      key: 'ephemeral',
      header: 'Ephemeral',
      className: 'cell-nowrap',
      cell: (f) => (f.ephemeralGb ? `${f.ephemeralGb} GiB` : '—'),
    },
    { key: 'swap', header: 'Swap', className: 'cell-nowrap', cell: (f) => (f.swapMb ? formatMiB(f.swapMb) : '—') },
    {
      key: 'public',
      header: 'Access',
      cell: (f) =>
        f.isPublic ? <span className="badge badge--ok">Public</span> : <span className="badge">Private</span>,
    },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'end',
      cell: (f) => (
        <Button
          size="sm"
          variant="ghost"
          onClick={() => setOpen({ kind: 'delete', flavor: f })}
          aria-label={`Delete flavor ${f.name}`}
        >
          Delete
        </Button>
      ),
    },
  ];

  const create = (
    <Button variant="primary" onClick={() => setOpen({ kind: 'create' })}>
      Create flavor
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Flavors"
        description="The sizes instances are launched with: vCPUs, RAM and disks."
        actions={create}
      />
      <Table
        caption="Flavors"
        columns={columns}
        rows={flavors.data}
        rowKey={(f) => f.id}
        loading={flavors.isPending}
        error={flavors.isError && errorMessage(flavors.error)}
        empty={
          <EmptyState title="No flavors yet" action={create}>
            Instances need a flavor to be launched.
          </EmptyState>
        }
      />
      {open?.kind === 'create' && <CreateFlavorDialog onClose={close} />}
      {open?.kind === 'delete' && <DeleteFlavorDialog flavor={open.flavor} onClose={close} />}
    </>
  );
}
