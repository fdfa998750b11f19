import type { Db } from '../../db/client';

export type TEndpoint = { id: string; serviceId: string; regionId: string; interface: string; url: string; enabled: boolean };
export type TCatalogService = { id: string; type: string; name: string; description: string; enabled: boolean };
export type TRegion = { id: string; description: string; parentRegionId: string | null };

export class CatalogRepository {
  constructor(private readonly db: Db) {}

  listServices = (f: { type?: string; name?: string } = {}): Promise<TCatalogService[]> => this.db.catalogService.findMany({ where: f, orderBy: { type: 'asc' } });
  getService = (id: string): Promise<TCatalogService | null> => this.db.catalogService.findUnique({ where: { id } });
  createService = (s: TCatalogService): Promise<TCatalogService> => this.db.catalogService.create({ data: s });
  updateService = (id: string, s: Partial<Omit<TCatalogService, 'id'>>): Promise<TCatalogService> => this.db.catalogService.update({ where: { id }, data: s });
  /** Its endpoints go with it (the foreign key cascades). */
  deleteService = async (id: string) => (await this.db.catalogService.deleteMany({ where: { id } })).count > 0;

  listEndpoints = (f: { serviceId?: string; interface?: string; regionId?: string } = {}): Promise<TEndpoint[]> =>
    this.db.endpoint.findMany({ where: f, orderBy: [{ serviceId: 'asc' }, { interface: 'asc' }] });
  getEndpoint = (id: string): Promise<TEndpoint | null> => this.db.endpoint.findUnique({ where: { id } });
  createEndpoint = (e: TEndpoint): Promise<TEndpoint> => this.db.endpoint.create({ data: e });
  updateEndpoint = (id: string, e: Partial<Omit<TEndpoint, 'id'>>): Promise<TEndpoint> => this.db.endpoint.update({ where: { id }, data: e });
  deleteEndpoint = async (id: string) => (await this.db.endpoint.deleteMany({ where: { id } })).count > 0;
  countEndpointsIn = (regionIds: string[]) => this.db.endpoint.count({ where: { regionId: { in: regionIds } } });

  listRegions = (f: { parentRegionId?: string } = {}): Promise<TRegion[]> => this.db.region.findMany({ where: f, orderBy: { id: 'asc' } });
  getRegion = (id: string): Promise<TRegion | null> => this.db.region.findUnique({ where: { id } });
  createRegion = (r: TRegion): Promise<TRegion> => this.db.region.create({ data: r });
  updateRegion = (id: string, r: Partial<Omit<TRegion, 'id'>>): Promise<TRegion> => this.db.region.update({ where: { id }, data: r });
  deleteRegions = (ids: string[]) => this.db.region.deleteMany({ where: { id: { in: ids } } });

  upsertRegion = (id: string) => this.db.region.upsert({ where: { id }, create: { id }, update: {} });
  /** Makes the service exist with these endpoints; ids are stable across restarts, URLs follow the current config. */
  upsertService = (s: TCatalogService, endpoints: TEndpoint[]) =>
    this.db.$transaction(async (tx) => {
      await tx.catalogService.upsert({ where: { id: s.id }, create: s, update: { type: s.type, name: s.name, description: s.description } });
      for (const e of endpoints) await tx.endpoint.upsert({ where: { id: e.id }, create: e, update: { url: e.url, regionId: e.regionId } });
    });
}
