import type { RouterOutputs } from '@web/lib/trpc';

export type TImageRow = RouterOutputs['images']['list'][number];

/** Glance allows an image without a name; the page still needs something to call it. */
export const imageLabel = (i: Pick<TImageRow, 'name' | 'id'>) => i.name ?? i.id;

const STATUS: Record<string, { label: string; className: string }> = {
  active: { label: 'Active', className: 'badge badge--ok' },
  queued: { label: 'Queued (no data yet)', className: 'badge' },
  saving: { label: 'Saving…', className: 'badge' },
  uploading: { label: 'Uploading…', className: 'badge' },
  importing: { label: 'Importing…', className: 'badge' },
  deactivated: { label: 'Deactivated', className: 'badge' },
  killed: { label: 'Failed', className: 'badge badge--danger' },
  deleted: { label: 'Deleted', className: 'badge' },
};

export function ImageStatus({ status }: { status: string }) {
  const s = STATUS[status] ?? { label: status, className: 'badge' };
  return <span className={s.className}>{s.label}</span>;
}

const VISIBILITY_LABEL: Record<string, string> = {
  private: 'Private',
  shared: 'Shared',
  community: 'Community',
  public: 'Public',
};
export const visibilityLabel = (v: string) => VISIBILITY_LABEL[v] ?? v;

const MEMBER_STATUS: Record<string, { label: string; className: string }> = {
  pending: { label: 'Pending', className: 'badge' },
  accepted: { label: 'Accepted', className: 'badge badge--ok' },
  rejected: { label: 'Rejected', className: 'badge badge--danger' },
};

/** A project's answer to an image shared with it. */
export function MemberStatus({ status }: { status: string }) {
  const s = MEMBER_STATUS[status] ?? { label: status, className: 'badge' };
  return (
    <span className={s.className} data-member-status={status}>
      {s.label}
    </span>
  );
}
