import type { AuthContext } from '../../policy/auth-context';
import { conflictOnDuplicate } from '../../db/errors';
import { AppError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { enforce } from '../../policy/policy';
import type { CatalogRepository, TCatalogService, TEndpoint, TRegion } from './catalog.repository';

export const DEFAULT_REGION = 'RegionOne';
const INTERFACES = ['public', 'internal', 'admin'] as const;

export type TCatalogEntry = TCatalogService & { endpoints: TEndpoint[] };
/** How stale another process's catalog change may look in this one's token answers. */
const CATALOG_TTL_MS = 5000;
/** Where an endpoint lives: regionId (must exist; null for none), or the legacy `region` (created when missing). */
type TEndpointInput = { regionId?: string | null; region?: string; enabled?: boolean };

/** The service catalog: where each API lives. Every service registers itself at start-up under one origin. */
export class CatalogService {
  constructor(
    private readonly repo: CatalogRepository,
    private readonly publicUrl: string,
  ) {}

  /** Registers (or re-points, when the public URL changed) a service at `<publicUrl><path>` on all three interfaces. */
  async register(s: { type: string; name: string; path: string; description?: string }) {
    const id = `svc-${s.type}`;
    await this.repo.upsertRegion(DEFAULT_REGION);
    await this.repo.upsertService(
      { id, type: s.type, name: s.name, description: s.description ?? '', enabled: true },
      INTERFACES.map((i) => ({ id: `${id}-${i}`, serviceId: id, regionId: DEFAULT_REGION, interface: i, url: `${this.publicUrl}${s.path}`, enabled: true })),
    );
    this.changed();
  }

  private cached: Promise<TCatalogEntry[]> | null = null;
  private cachedAt = 0;

  /**
   * Cached: every token issue returns it, and it changes rarely. This process's own changes clear the cache; other
   * processes' changes show within CATALOG_TTL_MS.
   */
  async catalog(): Promise<TCatalogEntry[]> {
    if (this.cached && Date.now() - this.cachedAt > CATALOG_TTL_MS) this.cached = null;
    if (!this.cached) {
      this.cachedAt = Date.now();
      this.cached = (async () => {
        const [services, endpoints] = await Promise.all([this.repo.listServices(), this.repo.listEndpoints()]);
        return services.filter((s) => s.enabled).map((s) => ({ ...s, endpoints: endpoints.filter((e) => e.serviceId === s.id && e.enabled) }));
      })().catch((e) => {
        this.cached = null;
        throw e;
      });
    }
    return this.cached;
  }

  /** Where a service's public API is, and in which region (the first enabled one): what a client's rc file points at. */
  async publicEndpoint(type: string): Promise<{ url: string; regionId: string }> {
    const service = (await this.catalog()).find((s) => s.type === type);
    const endpoint = service?.endpoints.find((e) => e.interface === 'public');
    if (!endpoint) throw new AppError('Unavailable', `The service catalog has no public ${type} endpoint.`);
    return { url: endpoint.url, regionId: endpoint.regionId };
  }

  private changed() {
    this.cached = null;
  }

  // services

  async listServices(ctx: AuthContext, f: { type?: string; name?: string } = {}): Promise<TCatalogService[]> {
    enforce(ctx, 'identity:list_services');
    return this.repo.listServices(f);
  }

  async getService(ctx: AuthContext, id: string): Promise<TCatalogService> {
    enforce(ctx, 'identity:get_service');
    return (await this.repo.getService(id)) ?? Promise.reject(notFound('service', id));
  }

  async createService(ctx: AuthContext, s: Omit<TCatalogService, 'id'>): Promise<TCatalogService> {
    enforce(ctx, 'identity:create_service');
    const created = await this.repo.createService({ id: newId(), ...s });
    this.changed();
    return created;
  }

  async updateService(ctx: AuthContext, id: string, s: Partial<Omit<TCatalogService, 'id'>>): Promise<TCatalogService> {
    enforce(ctx, 'identity:update_service');
    await this.getService(ctx, id);
    const updated = await this.repo.updateService(id, s);
    this.changed();
    return updated;
  }

  /** Its endpoints are deleted with it, as in Keystone. */
  async deleteService(ctx: AuthContext, id: string): Promise<void> {
    enforce(ctx, 'identity:delete_service');
    if (!(await this.repo.deleteService(id))) throw notFound('service', id);
    this.changed();
  }

  // endpoints

  async listEndpoints(ctx: AuthContext, f: { serviceId?: string; interface?: string; regionId?: string } = {}): Promise<TEndpoint[]> {
    enforce(ctx, 'identity:list_endpoints');
    return this.repo.listEndpoints(f);
  }

  async getEndpoint(ctx: AuthContext, id: string): Promise<TEndpoint> {
    enforce(ctx, 'identity:get_endpoint');
    return (await this.repo.getEndpoint(id)) ?? Promise.reject(notFound('endpoint', id));
  }

  /**
   * `region` is the legacy way of naming the region (Keystone v2 clients and Tempest use it): a region named so that
   * does not exist is created. A `regionId` must exist. No region at all is stored as ''.
   */
  async createEndpoint(ctx: AuthContext, e: TEndpointInput & Pick<TEndpoint, 'serviceId' | 'interface' | 'url'>): Promise<TEndpoint> {
    enforce(ctx, 'identity:create_endpoint');
    const regionId = await this.endpointRegion(e);
    await this.requireService(e.serviceId);
    const created = await this.repo.createEndpoint({ id: newId(), serviceId: e.serviceId, interface: e.interface, url: e.url, regionId: regionId ?? '', enabled: e.enabled ?? true });
    this.changed();
    return created;
  }

  async updateEndpoint(ctx: AuthContext, id: string, e: TEndpointInput & Partial<Pick<TEndpoint, 'serviceId' | 'interface' | 'url'>>): Promise<TEndpoint> {
    enforce(ctx, 'identity:update_endpoint');
    await this.getEndpoint(ctx, id);
    const regionId = await this.endpointRegion(e);
    if (e.serviceId !== undefined) await this.requireService(e.serviceId);
    const updated = await this.repo.updateEndpoint(id, { serviceId: e.serviceId, interface: e.interface, url: e.url, enabled: e.enabled, regionId });
    this.changed();
    return updated;
  }

  async deleteEndpoint(ctx: AuthContext, id: string): Promise<void> {
    enforce(ctx, 'identity:delete_endpoint');
    if (!(await this.repo.deleteEndpoint(id))) throw notFound('endpoint', id);
    this.changed();
  }

  private async endpointRegion(e: TEndpointInput): Promise<string | undefined> {
    if (e.regionId === null) return '';
    if (e.regionId !== undefined) {
      if (!(await this.repo.getRegion(e.regionId))) throw new AppError('BadRequest', `Could not find region: ${e.regionId}.`);
      return e.regionId;
    }
    if (e.region) {
      if (!(await this.repo.getRegion(e.region))) await this.repo.upsertRegion(e.region);
      return e.region;
    }
    return undefined;
  }

  private async requireService(id: string) {
    if (!(await this.repo.getService(id))) throw new AppError('BadRequest', `Could not find service: ${id}.`);
  }

  // regions

  async listRegions(ctx: AuthContext, f: { parentRegionId?: string } = {}): Promise<TRegion[]> {
    enforce(ctx, 'identity:list_regions');
    return this.repo.listRegions(f);
  }

  async getRegion(ctx: AuthContext, id: string): Promise<TRegion> {
    enforce(ctx, 'identity:get_region');
    return (await this.repo.getRegion(id)) ?? Promise.reject(notFound('region', id));
  }

  async createRegion(ctx: AuthContext, r: { id?: string; description?: string; parentRegionId?: string | null }): Promise<TRegion> {
    enforce(ctx, 'identity:create_region');
    const id = r.id ?? newId();
    if (r.parentRegionId) await this.requireParentRegion(r.parentRegionId);
    if (await this.repo.getRegion(id)) throw new AppError('Conflict', `Duplicate ID, ${id}.`);
    return conflictOnDuplicate('region', () => this.repo.createRegion({ id, description: r.description ?? '', parentRegionId: r.parentRegionId ?? null }));
  }

  /** A region cannot become its own ancestor (400, as Keystone's CircularRegionHierarchyError). */
  async updateRegion(ctx: AuthContext, id: string, r: { description?: string; parentRegionId?: string | null }): Promise<TRegion> {
    enforce(ctx, 'identity:update_region');
    await this.getRegion(ctx, id);
    if (r.parentRegionId) {
      await this.requireParentRegion(r.parentRegionId);
      for (let at: string | null = r.parentRegionId, hops = 0; at && hops < 100; hops++) {
        if (at === id) throw new AppError('BadRequest', `The specified parent region ${r.parentRegionId} would create a circular region hierarchy.`);
        at = (await this.repo.getRegion(at))?.parentRegionId ?? null;
      }
    }
    return this.repo.updateRegion(id, { description: r.description, parentRegionId: r.parentRegionId });
  }

  /** Deletes the region and the regions under it, unless one of them still has endpoints (403, as Keystone). */
  async deleteRegion(ctx: AuthContext, id: string): Promise<void> {
    enforce(ctx, 'identity:delete_region');
    await this.getRegion(ctx, id);
    const subtree = [id];
    for (let i = 0; i < subtree.length; i++) subtree.push(...(await this.repo.listRegions({ parentRegionId: subtree[i]! })).map((r) => r.id));
    if ((await this.repo.countEndpointsIn(subtree)) > 0) {
      throw new AppError('Forbidden', `Unable to delete region ${id} because it or its child regions have associated endpoints.`);
    }
    await this.repo.deleteRegions(subtree);
  }

  private async requireParentRegion(id: string) {
    if (!(await this.repo.getRegion(id))) throw new AppError('BadRequest', `Could not find parent region: ${id}.`);
  }
}
