import type { Db } from '../../db/client';

export type TEndpoint = { id: string; serviceId: string; regionId: string; interface: string; url: string; enabled: boolean };
export type TCatalogService = { id: string; type: string; name: string; description: string; enabled: boolean };
export type TRegion = { id: string; description: string; parentRegionId: string | null };

export class CatalogRepository {
  constructor(private readonly db: Db) {}

  listServices = (f: { type?: string } = {}): Promise<TCatalogService[]> => this.db.catalogService.findMany({ where: f, orderBy: { type: 'asc' } });
  listEndpoints = (f: { serviceId?: string; interface?: string; regionId?: string } = {}): Promise<TEndpoint[]> =>
    this.db.endpoint.findMany({ where: f, orderBy: [{ serviceId: 'asc' }, { interface: 'asc' }] });
  listRegions = (): Promise<TRegion[]> => this.db.region.findMany({ orderBy: { id: 'asc' } });

  upsertRegion = (id: string) => this.db.region.upsert({ where: { id }, create: { id }, update: {} });
  /** Makes the service exist with these endpoints; ids are stable across restarts, URLs follow the current config. */
  upsertService = (s: TCatalogService, endpoints: TEndpoint[]) =>
    this.db.$transaction(async (tx) => {
      await tx.catalogService.upsert({ where: { id: s.id }, create: s, update: { type: s.type, name: s.name, description: s.description } });
      for (const e of endpoints) await tx.endpoint.upsert({ where: { id: e.id }, create: e, update: { url: e.url, regionId: e.regionId } });
    });
}
