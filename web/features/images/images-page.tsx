'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { Button } from '@web/components/button';
import { EmptyState } from '@web/components/empty-state';
import { PageHeader } from '@web/components/page-header';
import { Table, type Column } from '@web/components/table';
import { errorMessage } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { DeleteImageDialog } from './delete-image-dialog';
import { EditImageDialog } from './edit-image-dialog';
import { formatBytes } from './format';
import { ImageStatus, imageLabel, MemberStatus, visibilityLabel, type TImageRow } from './image-labels';
import { UploadImageDialog } from './upload-image-dialog';
import './images.css';

type Open = { kind: 'upload' } | { kind: 'edit' | 'delete'; image: TImageRow } | null;

/** Where the Instances page's launch wizard opens with this image chosen. */
export const launchHref = (imageId: string) => `/instances?launch=${encodeURIComponent(imageId)}`;

export function ImagesPage() {
  const trpc = useTRPC();
  // while an image is still taking its data, its status changes without any action here
  const images = useQuery(
    trpc.images.list.queryOptions(undefined, {
      refetchInterval: (q) =>
        q.state.data?.some((i) => ['saving', 'uploading', 'importing'].includes(i.status)) ? 2000 : false,
    }),
  );
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);

  const columns: Column<TImageRow>[] = [
    {
      key: 'name',
      header: 'Name',
      cell: (i) => (
        <>
          <Link href={`/images/${i.id}`}>
            <strong>{imageLabel(i)}</strong>
          </Link>
          <span className="cell-sub mono">{i.id}</span>
        </>
      ),
    },
    { key: 'status', header: 'Status', className: 'cell-nowrap', cell: (i) => <ImageStatus status={i.status} /> },
    {
      key: 'format',
      header: 'Format',
      className: 'cell-nowrap',
      cell: (i) => (i.diskFormat ? `${i.diskFormat}${i.containerFormat ? ` / ${i.containerFormat}` : ''}` : '—'),
    },
    { key: 'size', header: 'Size', className: 'cell-nowrap', cell: (i) => formatBytes(i.size) },
    {
      key: 'visibility',
      header: 'Visibility',
      className: 'cell-nowrap',
      // another project's shared image: this project's answer beside it (pending ones wait here to be accepted)
      cell: (i) =>
        i.memberStatus ? (
          <>
            {visibilityLabel(i.visibility)} <MemberStatus status={i.memberStatus} />
          </>
        ) : (
          visibilityLabel(i.visibility)
        ),
    },
    {
      key: 'protected',
      header: 'Protected',
      className: 'cell-nowrap',
      cell: (i) => (i.protected ? <span className="badge">Protected</span> : <span className="muted">No</span>),
    },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'end',
      cell: (i) => (
        <span className="btn-row">
          {i.status === 'active' && (!i.memberStatus || i.memberStatus === 'accepted') && (
            <Link
              className="btn btn--sm btn--secondary"
              href={launchHref(i.id)}
              aria-label={`Launch an instance from ${imageLabel(i)}`}
            >
              Launch
            </Link>
          )}
          <Button
            size="sm"
            onClick={() => setOpen({ kind: 'edit', image: i })}
            aria-label={`Edit image ${imageLabel(i)}`}
          >
            Edit
          </Button>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => setOpen({ kind: 'delete', image: i })}
            aria-label={`Delete image ${imageLabel(i)}`}
          >
            Delete
          </Button>
        </span>
      ),
    },
  ];

  const upload = (
    <Button variant="primary" onClick={() => setOpen({ kind: 'upload' })}>
      Upload image
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Images"
        description="Disk images instances boot from: this project's own, those shared with it, and public ones."
        actions={upload}
      />
      <Table
        caption="Images"
        columns={columns}
        rows={images.data}
        rowKey={(i) => i.id}
        loading={images.isPending}
        error={images.isError && errorMessage(images.error)}
        empty={
          <EmptyState title="No images yet" action={upload}>
            Upload a disk image (raw, qcow2, iso…) to launch instances from it.
          </EmptyState>
        }
      />
      {open?.kind === 'upload' && <UploadImageDialog onClose={close} />}
      {open?.kind === 'edit' && <EditImageDialog image={open.image} onClose={close} />}
      {open?.kind === 'delete' && <DeleteImageDialog image={open.image} onClose={close} />}
    </>
  );
}
