import { AppError } from '../../lib/errors';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { UNLIMITED } from '../../quota/quota.dto';
import type { TInstance } from './instance.dto';
import { publishInstance } from './instance-events';
import { findServer } from './server-actions';
import { ZMetadata } from './server.dto';
import type { ServerDeps } from './server-deps';
import { VM } from './states';

/** Nova's @check_instance_state on metadata changes: a settled server, no task running. */
export const METADATA_CHANGEABLE_FROM: readonly string[] = [VM.ACTIVE, VM.PAUSED, VM.SUSPENDED, VM.STOPPED];

const itemNotFound = () => new AppError('NotFound', 'Metadata item was not found');

/**
 * A server's metadata (Nova's server-metadata API): key/value strings the owner sets, limited by the project's
 * `metadata_items` quota. Writes are a compare-and-set on the instance row (it must still be settled and have no
 * task), but the new map is computed from the one read just before: two concurrent writes to one server can lose
 * one of them (the last writer wins), as with Nova's own instance.save(). Nothing here needs more than that.
 */
export class ServerMetadataService {
  constructor(private readonly d: ServerDeps) {}

  async list(ctx: AuthContext, id: string): Promise<Record<string, string>> {
    const i = await findServer(this.d, ctx, id);
    enforce(ctx, 'os_compute_api:server-metadata:index', target(i));
    return i.metadata;
  }

  async get(ctx: AuthContext, id: string, key: string): Promise<string> {
    const i = await findServer(this.d, ctx, id);
    enforce(ctx, 'os_compute_api:server-metadata:show', target(i));
    if (!Object.hasOwn(i.metadata, key)) throw itemNotFound();
    return i.metadata[key]!;
  }

  /** POST /metadata: adds the items and overwrites the keys given, keeps the others; returns the whole map. */
  async merge(ctx: AuthContext, id: string, items: Record<string, string>): Promise<Record<string, string>> {
    return this.write(ctx, id, 'create', (old) => ({ ...old, ...items }));
  }

  /** PUT /metadata/{key}: one item, added or overwritten. */
  async set(ctx: AuthContext, id: string, key: string, value: string): Promise<void> {
    await this.write(ctx, id, 'update', (old) => ({ ...old, [key]: value }));
  }

  /** PUT /metadata: the map becomes exactly `items`. */
  async replace(ctx: AuthContext, id: string, items: Record<string, string>): Promise<Record<string, string>> {
    return this.write(ctx, id, 'update_all', () => ({ ...items }));
  }

  async delete(ctx: AuthContext, id: string, key: string): Promise<void> {
    await this.write(ctx, id, 'delete', (old) => {
      if (!Object.hasOwn(old, key)) throw itemNotFound();
      return Object.fromEntries(Object.entries(old).filter(([k]) => k !== key));
    });
  }

  private async write(
    ctx: AuthContext,
    id: string,
    rule: 'create' | 'update' | 'update_all' | 'delete',
    change: (old: Record<string, string>) => Record<string, string>,
  ): Promise<Record<string, string>> {
    const i = await findServer(this.d, ctx, id);
    enforce(ctx, `os_compute_api:server-metadata:${rule}`, target(i));
    const next = ZMetadata.parse(change(i.metadata));
    const verb = rule === 'delete' ? 'delete metadata' : 'update metadata';
    if (i.locked && !isCloudAdmin(ctx)) throw new AppError('Conflict', `Instance ${id} is locked`);
    assertSettled(i, verb);
    if (rule !== 'delete') await this.checkQuota(ctx, i, Object.keys(next).length);
    const moved = await this.d.repo.transition(
      this.d.db,
      id,
      { task: null, vm: METADATA_CHANGEABLE_FROM },
      { metadata: next },
    );
    if (!moved) {
      // it changed state since we read it: say why, as the guard above would have
      const now = await findServer(this.d, ctx, id);
      assertSettled(now, verb);
      throw new AppError('Conflict', `Cannot '${verb}' instance ${id}: another action started first.`);
    }
    await publishInstance(this.d.bus, moved);
    return moved.metadata;
  }

  private async checkQuota(ctx: AuthContext, i: TInstance, items: number) {
    const limit = (await this.d.quotas.limits(ctx, i.projectId)).metadata_items ?? UNLIMITED;
    if (limit !== UNLIMITED && items > limit) {
      throw new AppError(
        'Forbidden',
        `Quota exceeded for metadata_items: Maximum number of metadata items exceeds ${limit}`,
      );
    }
  }
}

const target = (i: TInstance) => ({ projectId: i.projectId, userId: i.userId });

function assertSettled(i: TInstance, verb: string) {
  if (i.taskState !== null)
    throw new AppError('Conflict', `Cannot '${verb}' instance ${i.id} while it is in task_state ${i.taskState}`);
  if (!METADATA_CHANGEABLE_FROM.includes(i.vmState))
    throw new AppError('Conflict', `Cannot '${verb}' instance ${i.id} while it is in vm_state ${i.vmState}`);
}
