'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { Button } from '@web/components/button';
import { EmptyState } from '@web/components/empty-state';
import { Input, Select } from '@web/components/input';
import { PageHeader } from '@web/components/page-header';
import { Table, type Column } from '@web/components/table';
import { useSession } from '@web/features/session/use-session';
import { errorMessage } from '@web/lib/errors';
import { useTRPC, type RouterInputs } from '@web/lib/trpc';
import { BulkActionDialog, type BulkAction } from './bulk-action-dialog';
import { formatDateTime, formatMiB } from './format';
import { LaunchWizard } from './launch-wizard';
import { StatusLabel } from './status-label';
import { useInstanceEvents, type TServerRow } from './use-instance-events';
import './compute.css';

type SortKey = NonNullable<RouterInputs['compute']['servers']['list']['sortKey']>;
type Open = { kind: 'launch'; imageId?: string } | { kind: 'bulk'; action: BulkAction } | null;

const STATUSES = ['ACTIVE', 'BUILD', 'SHUTOFF', 'PAUSED', 'SUSPENDED', 'ERROR', 'REBOOT', 'HARD_REBOOT'];
const BULK: { action: BulkAction; label: string }[] = [
  { action: 'start', label: 'Start' },
  { action: 'stop', label: 'Stop' },
  { action: 'reboot_soft', label: 'Reboot' },
  { action: 'delete', label: 'Delete' },
];

/** The name filter waits for a pause in typing, so each keystroke does not cost a request. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function SortHeader(props: {
  label: string;
  k: SortKey;
  sort: { key: SortKey; dir: 'asc' | 'desc' };
  onSort: (k: SortKey) => void;
}) {
  const active = props.sort.key === props.k;
  return (
    <button
      type="button"
      className="sort-button"
      onClick={() => props.onSort(props.k)}
      aria-label={`Sort by ${props.label.toLowerCase()}${active ? (props.sort.dir === 'asc' ? ', now ascending' : ', now descending') : ''}`}
    >
      {props.label}
      <span aria-hidden="true">{active ? (props.sort.dir === 'asc' ? '▲' : '▼') : '↕'}</span>
    </button>
  );
}

/** The project's instances: live statuses, search, sort, keyset pages, bulk power actions and the launch wizard. */
export function InstancesPage() {
  const trpc = useTRPC();
  const { data: me } = useSession();
  const isAdmin = !!me?.isAdmin;
  const { withLatest } = useInstanceEvents({ isAdmin });

  const [search, setSearch] = useState('');
  const name = useDebounced(search.trim(), 300);
  const [status, setStatus] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; dir: 'asc' | 'desc' }>({ key: 'created_at', dir: 'desc' });
  const [limit, setLimit] = useState(25);
  // markers of the pages before this one: "Previous" pops, "Next" pushes the current page's last id
  const [markers, setMarkers] = useState<string[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<Open>(null);
  // `/instances?launch=<image id>` (the images pages' Launch) opens the wizard with that image chosen; the parameter
  // is dropped from the address so that a reload or Back does not open it again
  // (read from the address on mount: useSearchParams would make the prerendered page wait for the client)
  const router = useRouter();
  useEffect(() => {
    const imageId = new URLSearchParams(window.location.search).get('launch');
    if (!imageId) return;
    setOpen({ kind: 'launch', imageId });
    router.replace('/instances');
  }, [router]);

  const marker = markers.at(-1);
  const input = {
    limit,
    marker,
    name: name || undefined,
    status: status || undefined,
    sortKey: sort.key,
    sortDir: sort.dir,
  };
  const servers = useQuery(trpc.compute.servers.list.queryOptions(input, { placeholderData: keepPreviousData }));
  const images = useQuery(trpc.compute.images.bootable.queryOptions());
  const imageName = useMemo(() => new Map((images.data ?? []).map((i) => [i.id, i.name ?? i.id])), [images.data]);

  // a new filter, sort or page size starts again at the first page, with nothing selected
  useEffect(() => {
    setMarkers([]);
    setSelected(new Set());
  }, [name, status, sort, limit]);

  const rows = useMemo(() => servers.data?.items.map(withLatest), [servers.data, withLatest]);
  const selectedRows = (rows ?? []).filter((r) => selected.has(r.id));
  const allSelected = !!rows?.length && rows.every((r) => selected.has(r.id));
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const onSort = (key: SortKey) =>
    setSort((s) =>
      s.key === key
        ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' }
        : { key, dir: key === 'display_name' ? 'asc' : 'desc' },
    );

  const columns: Column<TServerRow>[] = [
    {
      key: 'select',
      className: 'col-select',
      header: (
        <input
          type="checkbox"
          aria-label="Select all instances on this page"
          checked={allSelected}
          onChange={() => setSelected(allSelected ? new Set() : new Set((rows ?? []).map((r) => r.id)))}
        />
      ),
      cell: (r) => (
        <input
          type="checkbox"
          aria-label={`Select ${r.name}`}
          checked={selected.has(r.id)}
          onChange={() => toggle(r.id)}
        />
      ),
    },
    {
      key: 'name',
      header: <SortHeader label="Name" k="display_name" sort={sort} onSort={onSort} />,
      cell: (r) => (
        <>
          <Link href={`/instances/${r.id}`}>{r.name}</Link>
          <span className="cell-sub mono">{r.id.slice(0, 8)}</span>
        </>
      ),
    },
    {
      key: 'status',
      header: <SortHeader label="Status" k="vm_state" sort={sort} onSort={onSort} />,
      cell: (r) => <StatusLabel status={r.status} />,
    },
    { key: 'task', header: 'Task', cell: (r) => r.taskState ?? '—' },
    { key: 'power', header: 'Power state', cell: (r) => r.powerStateName },
    {
      key: 'flavor',
      header: 'Flavor',
      cell: (r) => (
        <>
          {r.flavor.name}
          <span className="cell-sub">
            {r.flavor.vcpus} vCPU · {formatMiB(r.flavor.ram)} · {r.flavor.disk} GiB
          </span>
        </>
      ),
    },
    {
      key: 'image',
      header: 'Image',
      cell: (r) => imageName.get(r.imageId) ?? <span className="mono">{r.imageId.slice(0, 8)}</span>,
    },
    ...(isAdmin ? [{ key: 'host', header: 'Host', cell: (r: TServerRow) => r.host ?? '—' }] : []),
    {
      key: 'created',
      header: <SortHeader label="Created" k="created_at" sort={sort} onSort={onSort} />,
      cell: (r) => formatDateTime(r.createdAt),
    },
  ];

  const launch = (
    <Button variant="primary" onClick={() => setOpen({ kind: 'launch' })}>
      Launch instance
    </Button>
  );
  const filtered = !!(name || status);
  return (
    <>
      <PageHeader
        title="Instances"
        description="Virtual machines in this project. Statuses update live."
        actions={launch}
      />
      <div className="toolbar" role="search">
        <Input
          label="Search by name"
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Name contains…"
        />
        <Select
          label="Status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          placeholder="Any status"
          options={STATUSES.map((s) => ({ value: s, label: s }))}
        />
        <Select
          label="Per page"
          value={String(limit)}
          onChange={(e) => setLimit(Number(e.target.value))}
          options={[25, 50, 100].map((n) => ({ value: String(n), label: String(n) }))}
        />
      </div>
      <div className="selection-bar" aria-live="polite">
        <span className="muted">
          {selectedRows.length ? `${selectedRows.length} selected` : 'Select instances for bulk actions'}
        </span>
        {BULK.map((b) => (
          <Button
            key={b.action}
            size="sm"
            variant={b.action === 'delete' ? 'danger' : 'secondary'}
            disabled={selectedRows.length === 0}
            onClick={() => setOpen({ kind: 'bulk', action: b.action })}
          >
            {b.label}
          </Button>
        ))}
      </div>
      <Table
        caption="Instances"
        columns={columns}
        rows={rows}
        rowKey={(r) => r.id}
        loading={servers.isPending}
        error={servers.isError && errorMessage(servers.error)}
        empty={
          filtered ? (
            <EmptyState title="No instances match">Try another name or status.</EmptyState>
          ) : (
            <EmptyState title="No instances yet" action={launch}>
              Launch one from an image and a flavor.
            </EmptyState>
          )
        }
      />
      <nav className="pager" aria-label="Pages">
        <span className="muted">
          Page {markers.length + 1}
          {servers.isFetching && !servers.isPending ? ' · updating…' : ''}
        </span>
        <span className="btn-row">
          <Button size="sm" disabled={markers.length === 0} onClick={() => setMarkers((m) => m.slice(0, -1))}>
            Previous
          </Button>
          <Button
            size="sm"
            disabled={!servers.data?.nextMarker}
            onClick={() => servers.data?.nextMarker && setMarkers((m) => [...m, servers.data.nextMarker!])}
          >
            Next
          </Button>
        </span>
      </nav>
      {open?.kind === 'launch' && <LaunchWizard initialImageId={open.imageId} onClose={() => setOpen(null)} />}
      {open?.kind === 'bulk' && (
        <BulkActionDialog
          action={open.action}
          rows={selectedRows}
          onClose={() => setOpen(null)}
          onDone={() => setSelected(new Set())}
        />
      )}
    </>
  );
}
