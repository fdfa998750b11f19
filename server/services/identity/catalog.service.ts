import type { AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import type { CatalogRepository, TCatalogService, TEndpoint, TRegion } from './catalog.repository';

export const DEFAULT_REGION = 'RegionOne';
const INTERFACES = ['public', 'internal', 'admin'] as const;

export type TCatalogEntry = TCatalogService & { endpoints: TEndpoint[] };

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
    this.cached = null;
  }

  private cached: Promise<TCatalogEntry[]> | null = null;

  /** Cached: it only changes when a service registers, and every token issue returns it. */
  async catalog(): Promise<TCatalogEntry[]> {
    this.cached ??= (async () => {
      const [services, endpoints] = await Promise.all([this.repo.listServices(), this.repo.listEndpoints()]);
      return services.filter((s) => s.enabled).map((s) => ({ ...s, endpoints: endpoints.filter((e) => e.serviceId === s.id && e.enabled) }));
    })().catch((e) => {
      this.cached = null;
      throw e;
    });
    return this.cached;
  }

  async listServices(ctx: AuthContext, f: { type?: string } = {}): Promise<TCatalogService[]> {
    enforce(ctx, 'identity:list_services');
    return this.repo.listServices(f);
  }

  async listEndpoints(ctx: AuthContext, f: { serviceId?: string; interface?: string; regionId?: string } = {}): Promise<TEndpoint[]> {
    enforce(ctx, 'identity:list_endpoints');
    return this.repo.listEndpoints(f);
  }

  async listRegions(ctx: AuthContext): Promise<TRegion[]> {
    enforce(ctx, 'identity:list_regions');
    return this.repo.listRegions();
  }
}
