import type { Db, Prisma, Tx } from '../../db/client';
import type { TFlavor, TFlavorAccess, TFlavorListQuery, TFlavorSortKey } from './flavor.dto';

type Row = Prisma.FlavorGetPayload<object>;
type Where = Prisma.FlavorWhereInput;

const toFlavor = (r: Row): TFlavor => ({ ...r, extraSpecs: (r.extraSpecs ?? {}) as Record<string, string> });

type Column = keyof Row;
const COLUMN: Record<TFlavorSortKey, Column> = {
  created_at: 'createdAt',
  description: 'description',
  disabled: 'disabled',
  ephemeral_gb: 'ephemeralGb',
  flavorid: 'id',
  // Nova's internal id grows with creation; ours is the flavor id itself
  id: 'createdAt',
  is_public: 'isPublic',
  memory_mb: 'ramMb',
  name: 'name',
  root_gb: 'diskGb',
  rxtx_factor: 'rxtxFactor',
  swap: 'swapMb',
  updated_at: 'updatedAt',
  vcpu_weight: 'id',
  vcpus: 'vcpus',
};

/** Who is looking: admins see every flavor; others public ones and the private ones shared with their project. */
export type FlavorViewer = { admin: boolean; projectId: string | null };

const sharedWith = (projectId: string | null): Where[] => (projectId ? [{ access: { some: { projectId } } }] : []);

function visibleTo(viewer: FlavorViewer): Where {
  return viewer.admin ? {} : { OR: [{ isPublic: true }, ...sharedWith(viewer.projectId)] };
}

export type FlavorData = Omit<TFlavor, 'createdAt' | 'updatedAt'>;

export class FlavorsRepository {
  constructor(private readonly db: Db) {}

  getVisible = async (viewer: FlavorViewer, id: string): Promise<TFlavor | null> => {
    const r = await this.db.flavor.findFirst({ where: { AND: [{ id }, visibleTo(viewer)] } });
    return r && toFlavor(r);
  };

  /** Nova's list filter: is_public=true also keeps the private flavors the viewer's project was given. */
  list = async (viewer: FlavorViewer, q: TFlavorListQuery, marker: TFlavor | null): Promise<TFlavor[]> => {
    const and: Where[] = [];
    if (!viewer.admin) and.push({ disabled: false });
    if (q.isPublic === true) and.push({ OR: [{ isPublic: true }, ...sharedWith(viewer.projectId)] });
    if (q.isPublic === false) and.push({ isPublic: false });
    if (q.minRamMb !== undefined) and.push({ ramMb: { gte: q.minRamMb } });
    if (q.minDiskGb !== undefined) and.push({ diskGb: { gte: q.minDiskGb } });
    const column = COLUMN[q.sortKey];
    if (marker) and.push(after(column, q.sortDir, marker));
    const rows = await this.db.flavor.findMany({
      where: { AND: and },
      orderBy: [{ [column]: q.sortDir }, { id: q.sortDir }],
      take: q.limit,
    });
    return rows.map(toFlavor);
  };

  findByNameOrId = async (name: string, id: string) => this.db.flavor.findFirst({ where: { OR: [{ name }, { id }] } });

  create = async (data: FlavorData): Promise<TFlavor> => toFlavor(await this.db.flavor.create({ data }));

  update = async (id: string, data: Partial<Pick<FlavorData, 'description'>>): Promise<TFlavor> =>
    toFlavor(await this.db.flavor.update({ where: { id }, data }));

  delete = async (id: string): Promise<number> => (await this.db.flavor.deleteMany({ where: { id } })).count;

  /**
   * Changes the extra specs under a row lock, so two concurrent writers (each adding a key) both land instead of the
   * second overwriting the first's read-modify-write.
   */
  changeExtraSpecs = async (
    id: string,
    change: (current: Record<string, string>) => Record<string, string>,
  ): Promise<Record<string, string> | null> =>
    this.db.$transaction(async (tx: Tx) => {
      const locked = await tx.$queryRaw<{ extraSpecs: unknown }[]>`
        SELECT "extraSpecs" FROM "Flavor" WHERE id = ${id} FOR UPDATE`;
      if (!locked[0]) return null;
      const next = change((locked[0].extraSpecs ?? {}) as Record<string, string>);
      await tx.flavor.update({ where: { id }, data: { extraSpecs: next } });
      return next;
    });

  /** Creates each flavor whose name and id are both free; returns the names created. */
  createMissing = async (
    flavors: Pick<FlavorData, 'id' | 'name' | 'vcpus' | 'ramMb' | 'diskGb'>[],
  ): Promise<string[]> => {
    const existing = await this.db.flavor.findMany({
      where: { OR: [{ name: { in: flavors.map((f) => f.name) } }, { id: { in: flavors.map((f) => f.id) } }] },
      select: { id: true, name: true },
    });
    const names = new Set(existing.map((f) => f.name));
    const ids = new Set(existing.map((f) => f.id));
    const missing = flavors.filter((f) => !names.has(f.name) && !ids.has(f.id));
    // a concurrent starter may have created some meanwhile: those are skipped, not an error
    if (missing.length) await this.db.flavor.createMany({ data: missing, skipDuplicates: true });
    return missing.map((f) => f.name);
  };

  listAccess = async (flavorId: string): Promise<TFlavorAccess[]> =>
    this.db.flavorAccess.findMany({ where: { flavorId }, orderBy: { projectId: 'asc' } });

  addAccess = async (flavorId: string, projectId: string): Promise<void> => {
    await this.db.flavorAccess.create({ data: { flavorId, projectId } });
  };

  removeAccess = async (flavorId: string, projectId: string): Promise<number> =>
    (await this.db.flavorAccess.deleteMany({ where: { flavorId, projectId } })).count;
}

/** Rows strictly after the marker in (column, id) order: keyset paging that holds when values repeat. */
function after(column: Column, dir: 'asc' | 'desc', marker: TFlavor): Where {
  const op = dir === 'asc' ? 'gt' : 'lt';
  if (column === 'id') return { id: { [op]: marker.id } };
  const value = marker[column as keyof TFlavor];
  const tie = { id: { [op]: marker.id } };
  if (column !== 'description') return { OR: [{ [column]: { [op]: value } }, { [column]: value, ...tie }] };
  // the one nullable column: PostgreSQL sorts NULL last ascending and first descending
  const d = marker.description;
  if (d === null)
    return dir === 'asc'
      ? { description: null, ...tie }
      : { OR: [{ description: { not: null } }, { description: null, ...tie }] };
  const beyond = dir === 'asc' ? [{ description: null }] : [];
  return { OR: [{ description: { [op]: d } }, { description: d, ...tie }, ...beyond] };
}
