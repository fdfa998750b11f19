'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useParams, useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { Button } from '@web/components/button';
import { EmptyState } from '@web/components/empty-state';
import { PageHeader } from '@web/components/page-header';
import { Skeleton } from '@web/components/skeleton';
import { errorCode, errorMessage } from '@web/lib/errors';
import { useSession } from '@web/features/session/use-session';
import { useTRPC } from '@web/lib/trpc';
import { DeleteImageDialog } from './delete-image-dialog';
import { EditImageDialog } from './edit-image-dialog';
import { formatBytes, formatDateTime } from './format';
import { ImageStatus, imageLabel, visibilityLabel } from './image-labels';
import { ImageSharing } from './image-sharing';
import { launchHref } from './images-page';
import './images.css';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** One image: what it is, its properties, and what can be done with it. */
export function ImageDetailPage() {
  const { id } = useParams<{ id: string }>();
  const router = useRouter();
  const trpc = useTRPC();
  const image = useQuery(trpc.images.get.queryOptions({ id }));
  const { data: me } = useSession();
  const [open, setOpen] = useState<'edit' | 'delete' | null>(null);

  if (image.isPending) {
    return (
      <div aria-busy="true">
        <Skeleton width="16rem" height="1.5rem" />
        <div className="card section">
          <Skeleton width="60%" />
        </div>
      </div>
    );
  }
  if (image.isError) {
    return (
      <div className="card" role="alert">
        <h1>{errorCode(image.error) === 'NOT_FOUND' ? 'Image not found' : 'The image cannot be shown'}</h1>
        <p className="muted">{errorMessage(image.error)}</p>
        <Link href="/images">Back to the images</Link>
      </div>
    );
  }
  const i = image.data;
  const properties = Object.entries(i.properties);
  const projectId = me?.project?.id;
  // public and community images are everyone's already: sharing is for the owner's shared (or still private) ones
  const showsSharing =
    !!i.memberStatus || (i.ownerId === projectId && (i.visibility === 'shared' || i.visibility === 'private'));
  return (
    <>
      <p>
        <Link href="/images">← Images</Link>
      </p>
      <PageHeader
        title={imageLabel(i)}
        description={<ImageStatus status={i.status} />}
        actions={
          <>
            {i.status === 'active' && (!i.memberStatus || i.memberStatus === 'accepted') && (
              <Link className="btn btn--primary" href={launchHref(i.id)}>
                Launch
              </Link>
            )}
            <Button onClick={() => setOpen('edit')}>Edit</Button>
            <Button variant="ghost" onClick={() => setOpen('delete')}>
              Delete
            </Button>
          </>
        }
      />
      <div className="card">
        <dl className="facts">
          <Fact label="ID">
            <span className="mono">{i.id}</span>
          </Fact>
          <Fact label="Disk format">{i.diskFormat ?? '—'}</Fact>
          <Fact label="Container format">{i.containerFormat ?? '—'}</Fact>
          <Fact label="Size">{formatBytes(i.size)}</Fact>
          <Fact label="Virtual size">{formatBytes(i.virtualSize)}</Fact>
          <Fact label="Visibility">{visibilityLabel(i.visibility)}</Fact>
          <Fact label="Protected">{i.protected ? 'Yes' : 'No'}</Fact>
          <Fact label="Minimum disk">{i.minDisk} GiB</Fact>
          <Fact label="Minimum RAM">{i.minRam} MiB</Fact>
          <Fact label="Checksum (MD5)">
            <span className="mono">{i.checksum ?? '—'}</span>
          </Fact>
          <Fact label="Owner project">
            <span className="mono">{i.ownerId}</span>
          </Fact>
          <Fact label="Created">{formatDateTime(i.createdAt)}</Fact>
          <Fact label="Updated">{formatDateTime(i.updatedAt)}</Fact>
        </dl>
      </div>
      <h2 className="section">Properties</h2>
      <div className="card">
        {properties.length === 0 ? (
          <EmptyState title="No properties">Add some with Edit (e.g. os_distro=cirros).</EmptyState>
        ) : (
          <dl className="facts" aria-label="Properties">
            {properties.map(([k, v]) => (
              <Fact key={k} label={k}>
                {v}
              </Fact>
            ))}
          </dl>
        )}
      </div>
      {showsSharing && (
        <>
          <h2 className="section">Sharing</h2>
          <div className="card">
            <ImageSharing image={i} projectId={projectId} />
          </div>
        </>
      )}
      {open === 'edit' && <EditImageDialog image={i} onClose={() => setOpen(null)} />}
      {open === 'delete' && (
        <DeleteImageDialog image={i} onClose={() => setOpen(null)} onDeleted={() => router.push('/images')} />
      )}
    </>
  );
}
