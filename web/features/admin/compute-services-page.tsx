'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@web/components/button';
import { FormDialog } from '@web/components/dialog';
import { EmptyState } from '@web/components/empty-state';
import { Input } from '@web/components/input';
import { PageHeader } from '@web/components/page-header';
import { Table, type Column } from '@web/components/table';
import { useToast } from '@web/components/toast';
import { errorMessage, fieldErrors, formError } from '@web/lib/errors';
import { optionalText } from '@web/lib/form-data';
import { useTRPC } from '@web/lib/trpc';
import { Liveness, ServiceStatus, type TServiceRow } from './service-labels';
import './admin.css';

function useServiceToggle(onDone?: () => void) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.computeAdmin.services.setEnabled.mutationOptions({
      onSuccess(s) {
        void queryClient.invalidateQueries({ queryKey: trpc.computeAdmin.pathKey() });
        toast.success(`Compute service on ${s.host} ${s.status}.`);
        onDone?.();
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );
}

/** Disabling keeps the host's instances running; the scheduler just stops placing new ones there. */
function DisableServiceDialog({ service, onClose }: { service: TServiceRow; onClose: () => void }) {
  const toggle = useServiceToggle(onClose);
  return (
    <FormDialog
      open
      onClose={onClose}
      title={`Disable the compute service on ${service.host}?`}
      description="Instances already there keep running; no new instance is scheduled to this host until it is enabled again."
      submitLabel="Disable service"
      danger
      onSubmit={(form) => toggle.mutate({ host: service.host, enabled: false, reason: optionalText(form, 'reason') })}
      pending={toggle.isPending}
      error={formError(toggle.error)}
    >
      <Input
        label="Reason"
        name="reason"
        autoFocus
        maxLength={255}
        hint="Shown to other operators, e.g. “disk replacement, back Tuesday”."
        error={fieldErrors(toggle.error).reason}
      />
    </FormDialog>
  );
}

export function ComputeServicesPage() {
  const trpc = useTRPC();
  const services = useQuery(trpc.computeAdmin.services.list.queryOptions(undefined, { refetchInterval: 10_000 }));
  const enable = useServiceToggle();
  const [disabling, setDisabling] = useState<TServiceRow | null>(null);

  const columns: Column<TServiceRow>[] = [
    {
      key: 'host',
      header: 'Host',
      cell: (s) => (
        <>
          <strong>{s.host}</strong>
          <span className="cell-sub">{s.binary}</span>
        </>
      ),
    },
    { key: 'zone', header: 'Zone', cell: (s) => s.availabilityZone },
    { key: 'status', header: 'Status', cell: (s) => <ServiceStatus service={s} /> },
    { key: 'state', header: 'State', cell: (s) => <Liveness state={s.state} lastHeartbeatAt={s.lastHeartbeatAt} /> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'end',
      cell: (s) =>
        s.status === 'enabled' ? (
          <Button size="sm" onClick={() => setDisabling(s)} aria-label={`Disable the compute service on ${s.host}`}>
            Disable
          </Button>
        ) : (
          <Button
            size="sm"
            onClick={() => enable.mutate({ host: s.host, enabled: true })}
            loading={enable.isPending && enable.variables?.host === s.host}
            aria-label={`Enable the compute service on ${s.host}`}
          >
            Enable
          </Button>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Compute services"
        description="The compute agent of each host. A service is up while its agent reports in; disabled ones take no new instances."
      />
      <Table
        caption="Compute services"
        columns={columns}
        rows={services.data}
        rowKey={(s) => s.id}
        loading={services.isPending}
        error={services.isError && errorMessage(services.error)}
        empty={
          <EmptyState title="No compute services yet">
            A host’s service appears when its compute agent first reports to the controller.
          </EmptyState>
        }
      />
      {disabling && <DisableServiceDialog service={disabling} onClose={() => setDisabling(null)} />}
    </>
  );
}
