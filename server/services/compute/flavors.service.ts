import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../db/errors';
import { AppError } from '../../lib/errors';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import type { ComputeDeps } from './compute-deps';
import {
  ZCreateFlavor,
  ZExtraSpecs,
  type TCreateFlavor,
  type TFlavor,
  type TFlavorAccess,
  type TFlavorListQuery,
} from './flavor.dto';
import { FlavorsRepository, type FlavorViewer } from './flavors.repository';

const flavorNotFound = (id: string) => new AppError('NotFound', `Flavor ${id} could not be found.`);
const viewerOf = (ctx: AuthContext): FlavorViewer => ({ admin: isCloudAdmin(ctx), projectId: ctx.projectId });

/**
 * Flavors: everyone lists and reads the ones they may use (public, or private and shared with their project);
 * admins create, describe, delete and share them. Another project's private flavor is simply not found.
 */
export class FlavorsService {
  private readonly repo: FlavorsRepository;

  constructor(deps: Pick<ComputeDeps, 'db'>) {
    this.repo = new FlavorsRepository(deps.db);
  }

  async list(ctx: AuthContext, query: TFlavorListQuery): Promise<TFlavor[]> {
    enforce(ctx, 'os_compute_api:flavors:index');
    const viewer = viewerOf(ctx);
    // only admins choose which visibility they list; everyone else sees what they may use
    const q = viewer.admin ? query : { ...query, isPublic: true };
    const marker = q.marker === undefined ? null : await this.repo.getVisible(viewer, q.marker);
    if (q.marker !== undefined && !marker) throw new AppError('BadRequest', `marker [${q.marker}] not found`);
    return this.repo.list(viewer, q, marker);
  }

  /** The flavor when the caller may see it, else NotFound. */
  async get(ctx: AuthContext, id: string): Promise<TFlavor> {
    enforce(ctx, 'os_compute_api:flavors:show');
    return this.find(ctx, id);
  }

  /** For `server create`: the flavor when the caller may boot it; anything else is the request's bad input. */
  async getForBoot(ctx: AuthContext, id: string): Promise<TFlavor> {
    const flavor = await this.repo.getVisible(viewerOf(ctx), id);
    if (!flavor || flavor.disabled) throw new AppError('BadRequest', `Flavor ${id} could not be found.`);
    return flavor;
  }

  async create(ctx: AuthContext, input: TCreateFlavor): Promise<TFlavor> {
    enforce(ctx, 'os_compute_api:os-flavor-manage:create');
    const data = ZCreateFlavor.parse(input);
    const id = data.id ?? randomUUID();
    try {
      return await this.repo.create({ ...data, id, disabled: false, extraSpecs: {} });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const clash = await this.repo.findByNameOrId(data.name, id);
      if (clash?.id === id) throw new AppError('Conflict', `Flavor with ID ${id} already exists.`);
      throw new AppError('Conflict', `Flavor with name ${data.name} already exists.`);
    }
  }

  async updateDescription(ctx: AuthContext, id: string, description: string | null): Promise<TFlavor> {
    enforce(ctx, 'os_compute_api:os-flavor-manage:update');
    await this.find(ctx, id);
    return this.repo.update(id, { description });
  }

  /** Servers keep their copy of the flavor, so deleting one never touches a running server. */
  async delete(ctx: AuthContext, id: string): Promise<void> {
    enforce(ctx, 'os_compute_api:os-flavor-manage:delete');
    if (!(await this.repo.delete(id))) throw flavorNotFound(id);
  }

  async extraSpecs(ctx: AuthContext, id: string): Promise<Record<string, string>> {
    enforce(ctx, 'os_compute_api:os-flavor-extra-specs:index');
    return (await this.find(ctx, id)).extraSpecs;
  }

  async extraSpec(ctx: AuthContext, id: string, key: string): Promise<string> {
    enforce(ctx, 'os_compute_api:os-flavor-extra-specs:show');
    const value = (await this.find(ctx, id)).extraSpecs[key];
    if (value === undefined) throw new AppError('NotFound', `Flavor ${id} has no extra specs with key ${key}.`);
    return value;
  }

  /** Adds or replaces the given keys; the others stay. */
  async setExtraSpecs(
    ctx: AuthContext,
    id: string,
    specs: Record<string, string>,
    action: 'create' | 'update' = 'create',
  ) {
    enforce(ctx, `os_compute_api:os-flavor-extra-specs:${action}`);
    const given = ZExtraSpecs.parse(specs);
    const next = await this.repo.changeExtraSpecs(id, (current) => ({ ...current, ...given }));
    if (!next) throw flavorNotFound(id);
    return given;
  }

  async deleteExtraSpec(ctx: AuthContext, id: string, key: string): Promise<void> {
    enforce(ctx, 'os_compute_api:os-flavor-extra-specs:delete');
    let had = false;
    const next = await this.repo.changeExtraSpecs(id, (current) => {
      had = key in current;
      return Object.fromEntries(Object.entries(current).filter(([k]) => k !== key));
    });
    if (!next) throw flavorNotFound(id);
    if (!had) throw new AppError('NotFound', `Flavor ${id} has no extra specs with key ${key}.`);
  }

  async access(ctx: AuthContext, id: string): Promise<TFlavorAccess[]> {
    enforce(ctx, 'os_compute_api:os-flavor-access');
    const flavor = await this.find(ctx, id);
    if (flavor.isPublic) throw new AppError('NotFound', 'Access list not available for public flavors.');
    return this.repo.listAccess(id);
  }

  /** `refusePublic`: from 2.7 Nova refuses to share a public flavor; before, the share is recorded (and moot). */
  async addAccess(ctx: AuthContext, id: string, projectId: string, refusePublic = true): Promise<TFlavorAccess[]> {
    enforce(ctx, 'os_compute_api:os-flavor-access:add_tenant_access');
    const flavor = await this.find(ctx, id);
    if (refusePublic && flavor.isPublic) throw new AppError('Conflict', 'Can not add access to a public flavor.');
    try {
      await this.repo.addAccess(id, projectId);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      throw new AppError(
        'Conflict',
        `Flavor access already exists for flavor ${id} and project ${projectId} combination.`,
      );
    }
    return this.repo.listAccess(id);
  }

  async removeAccess(ctx: AuthContext, id: string, projectId: string): Promise<TFlavorAccess[]> {
    enforce(ctx, 'os_compute_api:os-flavor-access:remove_tenant_access');
    await this.find(ctx, id);
    if (!(await this.repo.removeAccess(id, projectId)))
      throw new AppError('NotFound', `Flavor access not found for ${id} / ${projectId} combination.`);
    return this.repo.listAccess(id);
  }

  private async find(ctx: AuthContext, id: string): Promise<TFlavor> {
    const flavor = await this.repo.getVisible(viewerOf(ctx), id);
    if (!flavor) throw flavorNotFound(id);
    return flavor;
  }
}
