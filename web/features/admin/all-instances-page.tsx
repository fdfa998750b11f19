'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@web/components/button';
import { EmptyState } from '@web/components/empty-state';
import { Input, Select } from '@web/components/input';
import { PageHeader } from '@web/components/page-header';
import { Table, type Column } from '@web/components/table';
import { useRefetchOnEvents } from '@web/features/session/use-refetch-on-events';
import { errorMessage } from '@web/lib/errors';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';
import { formatMiB } from './usage-bar';
import './admin.css';

type TServerRow = RouterOutputs['computeAdmin']['servers']['listAll']['servers'][number];
const PAGE_SIZE = 20;

const STATUS_CLASS: Record<string, string> = { ACTIVE: 'badge badge--ok', ERROR: 'badge badge--danger' };

/** Every project's instances, newest first, a page at a time (keyset paging on the server), live. */
export function AllInstancesPage() {
  const trpc = useTRPC();
  const projects = useQuery(trpc.admin.projects.list.queryOptions());
  const [filter, setFilter] = useState<{ projectId?: string; name?: string }>({});
  // the markers of the pages before this one: "Previous" pops one
  const [markers, setMarkers] = useState<string[]>([]);
  const marker = markers.at(-1);
  const servers = useQuery(
    trpc.computeAdmin.servers.listAll.queryOptions(
      { limit: PAGE_SIZE, marker, ...filter },
      { placeholderData: keepPreviousData },
    ),
  );
  // an admin's socket receives every project's instance events
  useRefetchOnEvents([trpc.computeAdmin.servers.listAll.pathKey()], ['instance.update']);
  const projectName = (id: string) => projects.data?.find((p) => p.id === id)?.name;
  const refilter = (next: typeof filter) => {
    setFilter(next);
    setMarkers([]);
  };

  const columns: Column<TServerRow>[] = [
    {
      key: 'name',
      header: 'Name',
      cell: (s) => (
        <>
          <strong>{s.name}</strong>
          <span className="cell-sub mono">{s.id}</span>
        </>
      ),
    },
    {
      key: 'project',
      header: 'Project',
      cell: (s) => projectName(s.projectId) ?? <span className="mono">{s.projectId}</span>,
    },
    { key: 'host', header: 'Host', cell: (s) => s.host ?? <span className="muted">not placed</span> },
    {
      key: 'status',
      header: 'Status',
      cell: (s) => (
        <>
          <span className={STATUS_CLASS[s.status] ?? 'badge'}>{s.status}</span>
          {s.taskState && <span className="cell-sub">{s.taskState}</span>}
          {s.fault && <span className="cell-sub">{s.fault}</span>}
        </>
      ),
    },
    {
      key: 'flavor',
      header: 'Flavor',
      cell: (s) => (
        <>
          {s.flavor.name}
          <span className="cell-sub">
            {s.flavor.vcpus} vCPU · {formatMiB(s.flavor.ram)} · {s.flavor.disk} GiB
          </span>
        </>
      ),
    },
    { key: 'created', header: 'Created', cell: (s) => new Date(s.createdAt).toLocaleString() },
  ];

  return (
    <>
      <PageHeader title="All instances" description="Instances of every project, with the host each one runs on." />
      <form
        className="toolbar"
        role="search"
        aria-label="Filter instances"
        onSubmit={(e) => {
          e.preventDefault();
          const name = String(new FormData(e.currentTarget).get('name') ?? '').trim();
          refilter({ ...filter, name: name || undefined });
        }}
      >
        <Select
          label="Project"
          options={(projects.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          placeholder="All projects"
          value={filter.projectId ?? ''}
          onChange={(e) => refilter({ ...filter, projectId: e.target.value || undefined })}
        />
        <Input label="Name contains" name="name" type="search" defaultValue={filter.name} maxLength={255} />
        <Button type="submit">Search</Button>
      </form>
      <Table
        caption="All instances"
        columns={columns}
        rows={servers.data?.servers}
        rowKey={(s) => s.id}
        loading={servers.isPending}
        error={servers.isError && errorMessage(servers.error)}
        empty={<EmptyState title="No instances match">Instances launched in any project appear here.</EmptyState>}
      />
      <nav className="pager" aria-label="Pages">
        <span className="muted">Page {markers.length + 1}</span>
        <Button size="sm" disabled={markers.length === 0} onClick={() => setMarkers((m) => m.slice(0, -1))}>
          Previous
        </Button>
        <Button
          size="sm"
          disabled={!servers.data?.nextMarker || servers.isPlaceholderData}
          onClick={() => servers.data?.nextMarker && setMarkers((m) => [...m, servers.data.nextMarker!])}
        >
          Next
        </Button>
      </nav>
    </>
  );
}
