import { AppError } from '../../lib/errors';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { deleteInstance } from '../../rpc/contracts/compute/delete-instance';
import { instanceAction } from '../../rpc/contracts/compute/instance-action';
import type { TImage } from '../image/image.dto';
import type { TInstance, TInstanceFlavor } from './instance.dto';
import { publishInstance } from './instance-events';
import { instanceSpecOf } from './instance-spec';
import { asInstanceFlavor, assertResizable, reserveResize } from './resize';
import type { ServerDeps } from './server-deps';
import { ACTION_RULES, assertCanStart, TASK, type ServerAction } from './states';

/** Nova's policy name of each action (os_compute_api:…). */
const POLICY: Record<ServerAction, string> = {
  start: 'servers:start',
  stop: 'servers:stop',
  reboot_soft: 'servers:reboot',
  reboot_hard: 'servers:reboot',
  pause: 'os-pause-server:pause',
  unpause: 'os-pause-server:unpause',
  suspend: 'os-suspend-server:suspend',
  resume: 'os-suspend-server:resume',
  rebuild: 'servers:rebuild',
  resize: 'servers:resize',
  confirm_resize: 'servers:confirm_resize',
  revert_resize: 'servers:revert_resize',
};

/** The server when the caller's project owns it (admins: any); another project's server is simply not found. */
export async function findServer(d: ServerDeps, ctx: AuthContext, id: string): Promise<TInstance> {
  const i = await d.repo.get(id);
  if (!i || i.deleted || (!isCloudAdmin(ctx) && i.projectId !== ctx.projectId)) {
    throw new AppError('NotFound', `Instance ${id} could not be found.`);
  }
  return i;
}

const target = (i: TInstance) => ({ projectId: i.projectId, userId: i.userId });

function assertUnlocked(ctx: AuthContext, i: TInstance) {
  if (i.locked && !isCloudAdmin(ctx)) throw new AppError('Conflict', `Instance ${i.id} is locked`);
}

/**
 * A power or lifecycle action: guard the state, set the task and record the action in one compare-and-set, then
 * cast it to the instance's host, which reports back through the conductor.
 */
export async function runAction(
  d: ServerDeps,
  ctx: AuthContext,
  id: string,
  action: ServerAction,
  opts: { imageId?: string; flavorId?: string } = {},
): Promise<TInstance> {
  const i = await findServer(d, ctx, id);
  enforce(ctx, `os_compute_api:${POLICY[action]}`, target(i));
  assertUnlocked(ctx, i);
  assertCanStart(action, i);
  if (!i.host)
    throw new AppError('Conflict', `Cannot '${ACTION_RULES[action].name}' instance ${id}: it is not on any host.`);
  const rule = ACTION_RULES[action];
  const image = opts.imageId ? await d.images.get(ctx, opts.imageId) : await d.imageRecords.get(i.imageId);
  if (action === 'rebuild' && !image)
    throw new AppError('BadRequest', `Image ${opts.imageId ?? i.imageId} could not be found.`);
  const resizeTo = action === 'resize' ? await resizeTarget(d, ctx, i, opts.flavorId) : undefined;

  const { moved, actionId } = await d.db.$transaction(async (tx) => {
    const moved = await d.repo.transition(
      tx,
      id,
      { task: null, vm: rule.from },
      {
        taskState: rule.task,
        ...(opts.imageId && { imageId: opts.imageId }),
        ...(resizeTo && { oldFlavor: i.flavor, newFlavor: resizeTo }),
      },
    );
    if (!moved) throw new AppError('Conflict', `Cannot '${rule.name}' instance ${id}: another action started first.`);
    if (resizeTo) await reserveResize(tx, d, i, resizeTo);
    const actionId = await d.repo.startAction(tx, {
      instanceId: id,
      action: rule.name,
      requestId: ctx.requestId,
      projectId: i.projectId,
      userId: ctx.userId,
      event: rule.event,
      host: i.host,
    });
    return { moved, actionId };
  });
  await publishInstance(d.bus, moved);
  const spec = await specFor(d, ctx, moved, action, image);
  try {
    await d.bus.cast(instanceAction, {
      host: i.host,
      args: { instanceId: id, action, actionId, ...(spec && { spec }) },
      ctx: { requestId: ctx.requestId },
    });
  } catch (e) {
    // nothing reached the host: undo the task so the server is not stuck in it
    await d.lifecycle.actionFinished({
      instanceId: id,
      actionId,
      host: i.host,
      action,
      ok: false,
      powerState: i.powerState,
      error: (e as Error).message,
    });
    throw new AppError('Unavailable', `The compute host of instance ${id} could not be reached; try again.`);
  }
  return moved;
}

/**
 * Delete from any state. On a live host the host destroys the domain and disks and the conductor then releases
 * the claim and quota; an instance that never reached a host, or whose host is down, is deleted here at once (a
 * host that comes back destroys the domains it no longer knows).
 */
export async function deleteServer(d: ServerDeps, ctx: AuthContext, id: string): Promise<void> {
  const i = await findServer(d, ctx, id);
  enforce(ctx, 'os_compute_api:servers:delete', target(i));
  assertUnlocked(ctx, i);
  if (i.taskState === TASK.DELETING) return;
  const node = i.host ? await d.hosts.repo.byHost(i.host) : null;
  if (!i.host || !node || !d.hosts.isUp(node)) {
    const actionId = await d.db.$transaction((tx) =>
      d.repo.startAction(tx, {
        instanceId: id,
        action: 'delete',
        requestId: ctx.requestId,
        projectId: i.projectId,
        userId: ctx.userId,
      }),
    );
    const done = await d.lifecycle.deleted({ instanceId: id, actionId, host: i.host, local: true });
    if (!done) return deleteServer(d, ctx, id); // it moved meanwhile (placed on a host): delete it there
    return;
  }
  const { moved, actionId } = await d.db.$transaction(async (tx) => {
    const moved = await d.repo.transition(tx, id, { host: i.host! }, { taskState: TASK.DELETING });
    if (!moved) return { moved: null, actionId: '' };
    const actionId = await d.repo.startAction(tx, {
      instanceId: id,
      action: 'delete',
      requestId: ctx.requestId,
      projectId: i.projectId,
      userId: ctx.userId,
      event: 'compute_terminate_instance',
      host: i.host,
    });
    return { moved, actionId };
  });
  if (!moved) return deleteServer(d, ctx, id);
  await publishInstance(d.bus, moved);
  await d.bus.cast(deleteInstance, {
    host: i.host,
    args: { instanceId: id, actionId },
    ctx: { requestId: ctx.requestId },
  });
}

async function resizeTarget(
  d: ServerDeps,
  ctx: AuthContext,
  i: TInstance,
  flavorId: string | undefined,
): Promise<TInstanceFlavor> {
  if (!flavorId)
    throw new AppError('BadRequest', "Invalid input for field 'resize.flavorRef': 'flavorRef' is a required property");
  const to = asInstanceFlavor(await d.flavors.getForBoot(ctx, flavorId));
  assertResizable(i, to);
  return to;
}

/** The instance as the host must make it: rebuild from the (new) image; resize to the new flavor, revert to the old. */
async function specFor(d: ServerDeps, ctx: AuthContext, i: TInstance, action: ServerAction, image: TImage | null) {
  const flavor = action === 'resize' ? i.newFlavor : action === 'revert_resize' ? i.oldFlavor : null;
  if (action !== 'rebuild' && !flavor) return undefined;
  const source = image ?? (await d.imageRecords.get(i.imageId));
  if (!source) throw new AppError('Conflict', `Image ${i.imageId} of instance ${i.id} no longer exists.`);
  return instanceSpecOf(flavor ? { ...i, flavor } : i, source, {
    images: d.imageRecords,
    imageUrl: d.imageUrl,
    authToken: ctx.token,
  });
}

/**
 * os-lock-server: a locked server refuses actions and deletion to everyone but admins. Nova remembers who locked it
 * (`locked_by`: the owner's project or an admin from elsewhere) so an owner cannot lift an admin's lock without
 * `unlock_override`; we read that from the newest `lock` action, whose project is the caller's, as Nova records it.
 * The lock's reason (2.73) is not kept: the schema has no column for it yet.
 */
export async function setLocked(d: ServerDeps, ctx: AuthContext, id: string, locked: boolean): Promise<void> {
  const i = await findServer(d, ctx, id);
  enforce(ctx, `os_compute_api:os-lock-server:${locked ? 'lock' : 'unlock'}`, target(i));
  const byOwner = ctx.projectId === i.projectId;
  // Nova: the owner locking a locked server changes nothing; an admin's lock takes it over
  if (locked && i.locked && byOwner) return;
  if (!locked && i.locked) {
    const lock = (await d.repo.actions(id)).find((a) => a.action === 'lock');
    const lockedByOwner = !lock || lock.projectId === i.projectId;
    if (lockedByOwner !== byOwner) enforce(ctx, 'os_compute_api:os-lock-server:unlock:unlock_override', target(i));
  }
  const moved = await d.db.$transaction(async (tx) => {
    const moved = await d.repo.transition(tx, id, {}, { locked });
    if (!moved) throw new AppError('NotFound', `Instance ${id} could not be found.`);
    const name = locked ? 'lock' : 'unlock';
    const actionId = await d.repo.startAction(tx, {
      instanceId: id,
      action: name,
      requestId: ctx.requestId,
      projectId: ctx.projectId ?? i.projectId,
      userId: ctx.userId,
      event: `api_${name}`,
      host: i.host,
    });
    await d.repo.finishAction(tx, actionId, 'Success');
    return moved;
  });
  await publishInstance(d.bus, moved);
}
