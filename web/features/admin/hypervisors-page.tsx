'use client';

import { useQuery } from '@tanstack/react-query';
import { EmptyState } from '@web/components/empty-state';
import { PageHeader } from '@web/components/page-header';
import { Table, type Column } from '@web/components/table';
import { useRefetchOnEvents } from '@web/features/session/use-refetch-on-events';
import { errorMessage } from '@web/lib/errors';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';
import { Liveness, ServiceStatus } from './service-labels';
import { formatGiB, formatMiB, UsageBar } from './usage-bar';
import './admin.css';

type THypervisorRow = RouterOutputs['computeAdmin']['hypervisors']['list'][number];

/** Every compute host with what the scheduler has placed on it against what it has. */
export function HypervisorsPage() {
  const trpc = useTRPC();
  // usage moves as instances come and go (their events say so); a host's liveness is its heartbeat, which sends no
  // event, so a slow poll keeps the state column honest
  const hypervisors = useQuery(trpc.computeAdmin.hypervisors.list.queryOptions(undefined, { refetchInterval: 10_000 }));
  useRefetchOnEvents([trpc.computeAdmin.hypervisors.list.queryKey()], ['instance.update']);

  const columns: Column<THypervisorRow>[] = [
    {
      key: 'host',
      header: 'Host',
      cell: (h) => (
        <>
          <strong>{h.host}</strong>
          <span className="cell-sub">
            {h.hypervisorType} · {h.hostIp} · zone {h.availabilityZone}
          </span>
        </>
      ),
    },
    { key: 'state', header: 'State', cell: (h) => <Liveness state={h.state} /> },
    { key: 'status', header: 'Status', cell: (h) => <ServiceStatus service={h} /> },
    {
      key: 'vcpus',
      header: 'vCPUs',
      cell: (h) => <UsageBar label={`vCPUs of ${h.host}`} used={h.vcpusUsed} total={h.vcpus} />,
    },
    {
      key: 'ram',
      header: 'RAM',
      cell: (h) => <UsageBar label={`RAM of ${h.host}`} used={h.memoryMbUsed} total={h.memoryMb} format={formatMiB} />,
    },
    {
      key: 'disk',
      header: 'Disk',
      cell: (h) => <UsageBar label={`Disk of ${h.host}`} used={h.diskGbUsed} total={h.diskGb} format={formatGiB} />,
    },
    { key: 'vms', header: 'Running VMs', cell: (h) => h.runningVms },
  ];

  const all = hypervisors.data ?? [];
  const sum = (f: (h: THypervisorRow) => number) => all.reduce((n, h) => n + f(h), 0);
  return (
    <>
      <PageHeader
        title="Hypervisors"
        description="Compute hosts, their capacity and what instances use of it. Over-committed hosts can use more than they have."
      />
      {all.length > 0 && (
        <div className="grid">
          <div className="card">
            <div className="stat__label">vCPUs in use</div>
            <UsageBar label="vCPUs of all hosts" used={sum((h) => h.vcpusUsed)} total={sum((h) => h.vcpus)} />
          </div>
          <div className="card">
            <div className="stat__label">RAM in use</div>
            <UsageBar
              label="RAM of all hosts"
              used={sum((h) => h.memoryMbUsed)}
              total={sum((h) => h.memoryMb)}
              format={formatMiB}
            />
          </div>
          <div className="card">
            <div className="stat__label">Disk in use</div>
            <UsageBar
              label="Disk of all hosts"
              used={sum((h) => h.diskGbUsed)}
              total={sum((h) => h.diskGb)}
              format={formatGiB}
            />
          </div>
        </div>
      )}
      <Table
        caption="Hypervisors"
        columns={columns}
        rows={hypervisors.data}
        rowKey={(h) => h.id}
        loading={hypervisors.isPending}
        error={hypervisors.isError && errorMessage(hypervisors.error)}
        empty={
          <EmptyState title="No compute hosts yet">
            Hosts appear here when their compute agent starts and reports to the controller.
          </EmptyState>
        }
      />
    </>
  );
}
