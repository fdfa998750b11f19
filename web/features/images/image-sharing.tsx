'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button } from '@web/components/button';
import { ConfirmDialog } from '@web/components/dialog';
import { EmptyState } from '@web/components/empty-state';
import { Input } from '@web/components/input';
import { Table, type Column } from '@web/components/table';
import { useToast } from '@web/components/toast';
import { errorMessage, fieldErrors, formError } from '@web/lib/errors';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';
import { formatDateTime } from './format';
import { imageLabel, MemberStatus } from './image-labels';

type TImage = RouterOutputs['images']['get'];
type TMember = RouterOutputs['images']['members']['list'][number];

/** The owner's view: the member projects with their answers, one added by ID or name, one removed. */
function MembersOfOwnImage({ image }: { image: TImage }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const members = useQuery(trpc.images.members.list.queryOptions({ id: image.id }));
  const [project, setProject] = useState('');
  const [removing, setRemoving] = useState<TMember | null>(null);
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.images.members.list.queryKey({ id: image.id }) });
  const add = useMutation(
    trpc.images.members.add.mutationOptions({
      onSuccess(m) {
        void refresh();
        setProject('');
        toast.success(`Shared with project ${m.memberId}; it shows there once that project accepts it.`);
      },
    }),
  );
  const remove = useMutation(
    trpc.images.members.remove.mutationOptions({
      onSuccess(_, v) {
        void refresh();
        setRemoving(null);
        toast.success(`No longer shared with project ${v.memberId}.`);
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate({ id: image.id, project: project.trim() });
  };
  const columns: Column<TMember>[] = [
    { key: 'project', header: 'Project', className: 'mono', cell: (m) => m.memberId },
    { key: 'status', header: 'Status', className: 'cell-nowrap', cell: (m) => <MemberStatus status={m.status} /> },
    { key: 'since', header: 'Shared', className: 'cell-nowrap', cell: (m) => formatDateTime(m.createdAt) },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'end',
      cell: (m) => (
        <Button size="sm" variant="ghost" onClick={() => setRemoving(m)} aria-label={`Stop sharing with ${m.memberId}`}>
          Remove
        </Button>
      ),
    },
  ];
  return (
    <>
      <form className="share-form" onSubmit={submit} noValidate>
        <Input
          label="Share with project"
          value={project}
          onChange={(e) => setProject(e.target.value)}
          placeholder="Project ID, or the name of one of your projects"
          maxLength={255}
          autoComplete="off"
          error={fieldErrors(add.error).project ?? (add.error ? errorMessage(add.error) : undefined)}
        />
        <Button type="submit" disabled={!project.trim()} loading={add.isPending}>
          Share
        </Button>
      </form>
      <Table
        caption="Members"
        columns={columns}
        rows={members.data}
        rowKey={(m) => m.memberId}
        loading={members.isPending}
        error={members.isError && errorMessage(members.error)}
        empty={<EmptyState title="Not shared yet">Add a project above; it accepts or rejects the image.</EmptyState>}
      />
      {removing && (
        <ConfirmDialog
          open
          onClose={() => setRemoving(null)}
          title={`Stop sharing ${imageLabel(image)} with ${removing.memberId}?`}
          description="That project can no longer see the image or launch new instances from it."
          submitLabel="Remove"
          onConfirm={() => remove.mutate({ id: image.id, memberId: removing.memberId })}
          pending={remove.isPending}
          error={formError(remove.error)}
        />
      )}
    </>
  );
}

/** A member project's view: what it answered, and the answer it can change. */
function OwnMembership({ image }: { image: TImage }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const decide = useMutation(
    trpc.images.members.setStatus.mutationOptions({
      onSuccess(m) {
        void queryClient.invalidateQueries({ queryKey: trpc.images.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.compute.images.bootable.queryKey() });
        toast.success(
          m.status === 'accepted'
            ? `${imageLabel(image)} accepted: you can launch from it.`
            : `${imageLabel(image)} rejected.`,
        );
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );
  const status = image.memberStatus!;
  return (
    <div className="share-answer">
      <p>
        Shared with this project by project <span className="mono">{image.ownerId}</span>:{' '}
        <MemberStatus status={status} />
      </p>
      <p className="muted">
        {status === 'accepted'
          ? 'It is in your image list and the launch wizard.'
          : 'Accept it to see it in your image list and launch instances from it.'}
      </p>
      <span className="btn-row">
        <Button
          variant="primary"
          disabled={status === 'accepted'}
          loading={decide.isPending && decide.variables?.status === 'accepted'}
          onClick={() => decide.mutate({ id: image.id, status: 'accepted' })}
        >
          Accept
        </Button>
        <Button
          disabled={status === 'rejected'}
          loading={decide.isPending && decide.variables?.status === 'rejected'}
          onClick={() => decide.mutate({ id: image.id, status: 'rejected' })}
        >
          Reject
        </Button>
      </span>
    </div>
  );
}

/**
 * The image's sharing: its owner manages the member projects of a `shared` image; a project it is shared with
 * accepts or rejects it. The image service decides who may do which (Glance's policy); this only shows the way.
 */
export function ImageSharing({ image, projectId }: { image: TImage; projectId: string | undefined }) {
  if (image.memberStatus) return <OwnMembership image={image} />;
  if (image.ownerId !== projectId) return null;
  if (image.visibility !== 'shared') {
    return (
      <p className="muted">
        Only shared images can be shared with other projects: set the visibility to Shared with Edit first.
      </p>
    );
  }
  return <MembersOfOwnImage image={image} />;
}
