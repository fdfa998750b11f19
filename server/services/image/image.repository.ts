import type { Db, Prisma, Tx } from '../../db/client';
import type {
  TImage,
  TImageListFilter,
  TImageListPage,
  TImageMember,
  TMemberStatus,
  TSort,
  TSortKey,
} from './image.dto';

/** Prisma access for images and their members. BigInt sizes become numbers here (exact below 8 PiB). */
type Row = Prisma.ImageGetPayload<object>;
type Where = Prisma.ImageWhereInput;

/** The upload lease is the upload's own bookkeeping, never part of what callers see. */
function withoutLease(row: Row): Omit<Row, 'uploadToken' | 'uploadLeaseUntil'> {
  const r: Partial<Row> = { ...row };
  delete r.uploadToken;
  delete r.uploadLeaseUntil;
  return r as Omit<Row, 'uploadToken' | 'uploadLeaseUntil'>;
}

const toImage = (r: Row): TImage => ({
  ...withoutLease(r),
  status: r.status as TImage['status'],
  diskFormat: r.diskFormat as TImage['diskFormat'],
  visibility: r.visibility as TImage['visibility'],
  size: r.size === null ? null : Number(r.size),
  virtualSize: r.virtualSize === null ? null : Number(r.virtualSize),
  properties: (r.properties ?? {}) as Record<string, string>,
});
const toMember = (m: Prisma.ImageMemberGetPayload<object>): TImageMember => ({
  ...m,
  status: m.status as TMemberStatus,
});

const COLUMN: Record<TSortKey, keyof Row> = {
  name: 'name',
  status: 'status',
  container_format: 'containerFormat',
  disk_format: 'diskFormat',
  size: 'size',
  id: 'id',
  created_at: 'createdAt',
  updated_at: 'updatedAt',
  visibility: 'visibility',
  min_disk: 'minDisk',
  min_ram: 'minRam',
};

/** Who is looking: a project (and whether it may see everything). */
export type Viewer = { projectId: string | null; admin: boolean };

export type ImageData = Partial<Omit<TImage, 'id' | 'createdAt' | 'updatedAt'>>;

/** A read-modify-write of one image waits at most this long for the row (a lock is held for milliseconds). */
const LOCK_WAIT_MS = 10_000;

export class ImageRepository {
  constructor(private readonly db: Db | Tx) {}

  /**
   * Runs `fn` with the image's row locked (SELECT … FOR UPDATE) and a repository on the same transaction, so a
   * read-modify-write of the image cannot interleave with another one and lose its change.
   */
  withLocked = <T>(id: string, fn: (repo: ImageRepository) => Promise<T>): Promise<T> => {
    const db = this.db;
    if (!('$transaction' in db)) throw new Error('ImageRepository.withLocked cannot nest');
    return db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM "Image" WHERE id = ${id} FOR UPDATE`;
        return fn(new ImageRepository(tx));
      },
      { maxWait: LOCK_WAIT_MS, timeout: LOCK_WAIT_MS },
    );
  };

  get = async (id: string): Promise<TImage | null> => {
    const r = await this.db.image.findUnique({ where: { id } });
    return r && toImage(r);
  };

  /** The image when the viewer may see it: its own, public, community, or shared with it (any member status). */
  getVisible = async (viewer: Viewer, id: string): Promise<TImage | null> => {
    const where: Where = viewer.admin
      ? { id }
      : {
          id,
          OR: [
            { ownerId: viewer.projectId ?? '' },
            { visibility: { in: ['public', 'community'] } },
            { visibility: 'shared', members: { some: { memberId: viewer.projectId ?? '' } } },
          ],
        };
    const r = await this.db.image.findFirst({ where });
    return r && toImage(r);
  };

  create = async (data: Omit<TImage, 'createdAt' | 'updatedAt'>): Promise<TImage> =>
    toImage(await this.db.image.create({ data: { ...data, properties: data.properties } }));

  update = async (id: string, data: ImageData): Promise<TImage> =>
    toImage(await this.db.image.update({ where: { id }, data: toData(data) }));

  /** Moves the image to `to` only if it is in one of `from` now: the compare-and-set every status change goes through. */
  transition = async (id: string, from: string[], to: string, data: ImageData = {}): Promise<boolean> =>
    (await this.db.image.updateMany({ where: { id, status: { in: from } }, data: { ...toData(data), status: to } }))
      .count === 1;

  /**
   * The upload lease. An upload moves the image queued → saving under a token of its own and renews the lease while it
   * streams; it ends (active or back to queued) only while the token is still its own. Lease times are this process's
   * clock: hosts of one cloud keep NTP time, far closer than a lease is long.
   */
  beginUpload = async (id: string, token: string, leaseUntil: Date): Promise<boolean> =>
    (
      await this.db.image.updateMany({
        where: { id, status: 'queued' },
        data: { status: 'saving', uploadToken: token, uploadLeaseUntil: leaseUntil },
      })
    ).count === 1;

  renewUpload = async (id: string, token: string, leaseUntil: Date): Promise<boolean> =>
    (
      await this.db.image.updateMany({
        where: { id, status: 'saving', uploadToken: token },
        data: { uploadLeaseUntil: leaseUntil },
      })
    ).count === 1;

  endUpload = async (id: string, token: string, to: 'active' | 'queued', data: ImageData = {}): Promise<boolean> =>
    (
      await this.db.image.updateMany({
        where: { id, status: 'saving', uploadToken: token },
        data: { ...toData(data), status: to, uploadToken: null, uploadLeaseUntil: null },
      })
    ).count === 1;

  /** Images in `saving` whose upload stopped renewing its lease (or that were left saving without one). */
  expiredUploads = async (now: Date): Promise<string[]> =>
    (
      await this.db.image.findMany({
        where: { status: 'saving', OR: [{ uploadLeaseUntil: { lt: now } }, { uploadLeaseUntil: null }] },
        select: { id: true },
      })
    ).map((r) => r.id);

  /**
   * Takes over an expired upload under the sweeper's own token and lease. The conditional update lets exactly one of
   * several sweepers win, and a still-live uploader that renewed in the meantime keeps its image.
   */
  claimExpiredUpload = async (id: string, now: Date, token: string, leaseUntil: Date): Promise<boolean> =>
    (
      await this.db.image.updateMany({
        where: { id, status: 'saving', OR: [{ uploadLeaseUntil: { lt: now } }, { uploadLeaseUntil: null }] },
        data: { uploadToken: token, uploadLeaseUntil: leaseUntil },
      })
    ).count === 1;

  delete = async (id: string) => void (await this.db.image.deleteMany({ where: { id } }));

  list = async (viewer: Viewer, page: TImageListPage): Promise<TImage[]> => {
    const where: Where = { AND: [visibleIn(viewer, page.filter), filterWhere(page.filter)] };
    const sort: TSort[] = [
      ...page.sort.filter((s) => s.key !== 'id'),
      { key: 'id', dir: page.sort.find((s) => s.key === 'id')?.dir ?? page.sort.at(-1)?.dir ?? 'desc' },
    ];
    if (page.marker) {
      const marker = await this.db.image.findUnique({ where: { id: page.marker } });
      if (!marker) return [];
      (where.AND as Where[]).push(after(sort, marker));
    }
    const rows = await this.db.image.findMany({
      where,
      orderBy: sort.map((s) => ({
        [COLUMN[s.key]]: NULLABLE.has(COLUMN[s.key])
          ? { sort: s.dir, nulls: s.dir === 'asc' ? 'last' : 'first' }
          : s.dir,
      })),
      take: page.limit,
    });
    return rows.map(toImage);
  };

  // members
  getMember = async (imageId: string, memberId: string): Promise<TImageMember | null> => {
    const m = await this.db.imageMember.findUnique({ where: { imageId_memberId: { imageId, memberId } } });
    return m && toMember(m);
  };
  listMembers = async (imageId: string, memberId?: string): Promise<TImageMember[]> =>
    (await this.db.imageMember.findMany({ where: { imageId, memberId }, orderBy: { createdAt: 'asc' } })).map(toMember);
  /** One project's memberships of the given images, in one query (the image list's status column). */
  membershipsOf = async (memberId: string, imageIds: string[]): Promise<TImageMember[]> =>
    (await this.db.imageMember.findMany({ where: { memberId, imageId: { in: imageIds } } })).map(toMember);
  addMember = async (imageId: string, memberId: string): Promise<TImageMember> =>
    toMember(await this.db.imageMember.create({ data: { imageId, memberId } }));
  setMemberStatus = async (imageId: string, memberId: string, status: TMemberStatus): Promise<TImageMember> =>
    toMember(
      await this.db.imageMember.update({ where: { imageId_memberId: { imageId, memberId } }, data: { status } }),
    );
  removeMember = async (imageId: string, memberId: string) =>
    (await this.db.imageMember.deleteMany({ where: { imageId, memberId } })).count > 0;
}

function toData(d: ImageData): Prisma.ImageUpdateManyMutationInput {
  const { size, virtualSize, properties, ...rest } = d;
  return {
    ...rest,
    ...(size !== undefined && { size: size === null ? null : BigInt(size) }),
    ...(virtualSize !== undefined && { virtualSize: virtualSize === null ? null : BigInt(virtualSize) }),
    ...(properties !== undefined && { properties }),
  };
}

/** Glance's listing rules: without a visibility filter, a project sees its own, public, and shared images it accepted. */
function visibleIn(viewer: Viewer, f: TImageListFilter): Where {
  const v = f.visibility ?? 'all';
  const p = viewer.projectId ?? '';
  const memberOf: Where = {
    visibility: 'shared',
    members: { some: { memberId: p, status: f.memberStatus === 'all' ? undefined : (f.memberStatus ?? 'accepted') } },
  };
  if (viewer.admin) return v === 'all' ? {} : { visibility: v };
  switch (v) {
    case 'all':
      return { OR: [{ ownerId: p }, { visibility: 'public' }, memberOf] };
    case 'public':
    case 'community':
      return { visibility: v };
    case 'private':
      return { visibility: 'private', ownerId: p };
    case 'shared':
      return { OR: [{ visibility: 'shared', ownerId: p }, memberOf] };
  }
}

function filterWhere(f: TImageListFilter): Where {
  const and: Where[] = [];
  if (f.properties)
    for (const [k, v] of Object.entries(f.properties)) and.push({ properties: { path: [k], equals: v } });
  return {
    AND: and,
    id: f.ids ? { in: f.ids } : undefined,
    name: f.name,
    ownerId: f.ownerId,
    status: f.status,
    diskFormat: f.diskFormat,
    containerFormat: f.containerFormat,
    protected: f.protected,
    osHidden: f.osHidden ?? false,
    tags: f.tags?.length ? { hasEvery: f.tags } : undefined,
    size: f.sizeMin !== undefined || f.sizeMax !== undefined ? { gte: opt(f.sizeMin), lte: opt(f.sizeMax) } : undefined,
  };
}
const opt = (n: number | undefined) => (n === undefined ? undefined : BigInt(n));

/**
 * Keyset pagination: the rows strictly after `marker` in the sort order (nulls last ascending, first descending, as
 * the ORDER BY above puts them). Row i of the OR: keys before i equal the marker's, key i comes after it.
 */
function after(sort: TSort[], marker: Row): Where {
  const equal = (s: TSort): Where => ({ [COLUMN[s.key]]: marker[COLUMN[s.key]] });
  const beyond = (s: TSort): Where => {
    const col = COLUMN[s.key];
    const v = marker[col];
    if (!NULLABLE.has(col)) return { [col]: s.dir === 'asc' ? { gt: v } : { lt: v } };
    if (s.dir === 'asc') return v === null ? { id: { in: [] } } : { OR: [{ [col]: { gt: v } }, { [col]: null }] };
    return v === null ? { NOT: { [col]: null } } : { [col]: { lt: v } };
  };
  return { OR: sort.map((s, i) => ({ AND: [...sort.slice(0, i).map(equal), beyond(s)] })) };
}
const NULLABLE = new Set<keyof Row>(['name', 'diskFormat', 'containerFormat', 'size']);
