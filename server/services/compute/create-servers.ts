import { randomUUID } from 'node:crypto';
import { AppError, isAppError } from '../../lib/errors';
import { randomToken } from '../../lib/ids';
import type { AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { scheduleInstance } from '../../rpc/contracts/scheduler/schedule-instance';
import type { TImage } from '../image/image.dto';
import type { TFlavor } from './flavor.dto';
import type { TInstance, TInstanceFlavor } from './instance.dto';
import { publishInstance } from './instance-events';
import type { NewInstance } from './instances.repository';
import { quotaOf } from './lifecycle.service';
import { assertRoomInGroup } from './server-groups.service';
import { ZCreateServer, type TCreateServer } from './server.dto';
import type { ServerDeps } from './server-deps';
import { TASK, VM } from './states';

const GiB = 1024 ** 3;
/** Disk formats a guest boots from; AKI/ARI are parts of an AMI, ISO needs a CD-ROM boot we do not offer yet. */
const BOOTABLE = new Set(['qcow2', 'raw', 'ami']);

export type CreatedServers = { servers: TInstance[]; adminPass: string; reservationId: string };

/**
 * `server create`: check the request, then reserve quota and record every instance in one transaction (so a
 * refused request records nothing and concurrent boots cannot overrun the quota), then hand each to the scheduler.
 */
export async function createServers(d: ServerDeps, ctx: AuthContext, input: TCreateServer): Promise<CreatedServers> {
  const projectId = ctx.projectId;
  if (!projectId) throw new AppError('Forbidden', 'Servers belong to projects: use a project-scoped token.');
  enforce(ctx, 'os_compute_api:servers:create', { projectId, userId: ctx.userId });
  const req = ZCreateServer.parse(input);

  const flavor = await d.flavors.getForBoot(ctx, req.flavorId);
  const image = await bootableImage(d, ctx, req.imageId);
  checkImageFitsFlavor(image, flavor);
  const key = req.keyName ? await d.keypairs.getForBoot(ctx, req.keyName) : null;
  await checkAvailabilityZone(d, req.availabilityZone);
  if (req.serverGroupId) await checkServerGroup(d, projectId, req.serverGroupId);
  const metadataLimit = (await d.quotas.limits(ctx, projectId)).metadata_items ?? 128;
  if (metadataLimit >= 0 && Object.keys(req.metadata).length > metadataLimit) {
    throw new AppError(
      'Forbidden',
      `Quota exceeded for metadata_items: Maximum number of metadata items exceeds ${metadataLimit}`,
    );
  }

  const instanceFlavor: TInstanceFlavor = {
    id: flavor.id,
    name: flavor.name,
    vcpus: flavor.vcpus,
    ram: flavor.ramMb,
    disk: flavor.diskGb,
    ephemeral: flavor.ephemeralGb,
    swap: flavor.swapMb,
    extraSpecs: flavor.extraSpecs,
  };
  const reservationId = `r-${randomToken(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')}`;
  const base = {
    description: req.description,
    projectId,
    userId: ctx.userId,
    imageId: image.id,
    flavor: instanceFlavor,
    keyName: key?.name ?? null,
    keyData: key?.publicKey ?? null,
    userData: req.userData,
    metadata: req.metadata,
    availabilityZone: req.availabilityZone,
    serverGroupId: req.serverGroupId,
    vmState: VM.BUILDING,
    taskState: TASK.SCHEDULING,
    reservationId,
  };

  const servers = await recordWithinQuota(d, ctx, req.minCount, req.maxCount ?? req.minCount, (count) =>
    Array.from({ length: count }, (_, index) => {
      const name = count > 1 ? `${req.name}-${index + 1}` : req.name;
      return { ...base, id: randomUUID(), name, hostname: hostnameOf(name), launchIndex: index };
    }),
  );
  for (const s of servers) await publishInstance(d.bus, s);
  await dispatch(d, ctx, servers);
  return { servers, adminPass: req.adminPass ?? randomToken(9), reservationId };
}

/** Tries `max` instances, then fewer down to `min` when the quota only allows that many (Nova's min_count). */
async function recordWithinQuota(
  d: ServerDeps,
  ctx: AuthContext,
  min: number,
  max: number,
  make: (count: number) => NewInstance[],
): Promise<TInstance[]> {
  for (let count = max; ; count--) {
    const rows = make(count);
    try {
      return await d.db.$transaction(
        async (tx) => {
          // server_group_members: counted under a lock on the group, so concurrent boots cannot overfill it
          const groupId = rows[0]!.serverGroupId;
          if (groupId) await assertRoomInGroup(tx, d.quotas, ctx, groupId, count);
          for (const r of rows) {
            await d.repo.insert(tx, r);
            await d.repo.startAction(tx, {
              instanceId: r.id,
              action: 'create',
              requestId: ctx.requestId,
              projectId: r.projectId,
              userId: r.userId,
            });
          }
          const created = await Promise.all(rows.map((r) => d.repo.get(r.id, tx).then((i) => i!)));
          // last, so the project's usage rows stay locked only until the commit: concurrent boots of one project
          // queue on them, and an over-quota refusal rolls the rows above back with it
          await d.quotas.reserve(tx, ctx.projectId!, scaled(quotaOf(rows[0]!), count));
          return created;
        },
        { maxWait: 20_000, timeout: 30_000 },
      );
    } catch (e) {
      if (!(isAppError(e) && e.code === 'OverQuota') || count <= min) throw e;
    }
  }
}

/** Each recorded instance goes to the scheduler; one that cannot be handed over ends in ERROR rather than in BUILD forever. */
async function dispatch(d: ServerDeps, ctx: AuthContext, servers: TInstance[]) {
  for (const s of servers) {
    try {
      await d.bus.cast(scheduleInstance, {
        args: { instanceId: s.id, authToken: ctx.token },
        ctx: { requestId: ctx.requestId },
      });
    } catch (e) {
      await d.lifecycle.noValidHost(s.id, `The scheduler could not be reached: ${(e as Error).message}`);
    }
  }
}

const scaled = (q: Record<string, number>, n: number) =>
  Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v * n]));

async function bootableImage(d: ServerDeps, ctx: AuthContext, id: string): Promise<TImage> {
  const image = await d.images.get(ctx, id).catch((e: unknown) => {
    if (isAppError(e) && e.code === 'NotFound') throw new AppError('BadRequest', `Image ${id} could not be found.`);
    throw e;
  });
  if (image.status !== 'active') throw new AppError('BadRequest', `Image ${id} is not active.`);
  if (!BOOTABLE.has(image.diskFormat ?? '')) {
    throw new AppError(
      'BadRequest',
      `Image ${id} is not bootable: disk_format ${image.diskFormat ?? 'none'} cannot boot a server.`,
    );
  }
  return image;
}

/** Nova's _check_requested_image: the flavor must hold the image and meet its min_disk/min_ram. */
function checkImageFitsFlavor(image: TImage, flavor: TFlavor) {
  const diskBytes = flavor.diskGb * GiB;
  if (flavor.diskGb > 0 && (image.size ?? 0) > diskBytes) {
    throw new AppError(
      'BadRequest',
      `Flavor's disk is too small for requested image. Flavor disk is ${diskBytes} bytes, image is ${image.size} bytes.`,
    );
  }
  if (flavor.diskGb > 0 && image.minDisk > flavor.diskGb) {
    throw new AppError(
      'BadRequest',
      `Flavor's disk is too small for requested image. Flavor disk is ${flavor.diskGb} GiB, image requires ${image.minDisk} GiB.`,
    );
  }
  if (image.minRam > flavor.ramMb) {
    throw new AppError(
      'BadRequest',
      `Flavor's memory is too small for requested image. Flavor has ${flavor.ramMb} MiB, image requires ${image.minRam} MiB.`,
    );
  }
}

async function checkAvailabilityZone(d: ServerDeps, zone: string | null) {
  if (!zone) return;
  const zones = new Set((await d.hosts.repo.list()).map((n) => n.availabilityZone));
  if (!zones.has(zone)) throw new AppError('BadRequest', `The requested availability zone is not available: ${zone}`);
}

async function checkServerGroup(d: ServerDeps, projectId: string, groupId: string) {
  const group = await d.repo.serverGroup(groupId);
  if (!group || group.projectId !== projectId)
    throw new AppError('BadRequest', `Invalid server group ${groupId}: it could not be found.`);
}

/** RFC 952/1123 host name from a display name, as Nova's sanitize_hostname. */
export function hostnameOf(name: string): string {
  const h = name
    .toLowerCase()
    .replace(/[ _]/g, '-')
    .replace(/[^a-z0-9.-]/g, '')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 63)
    .replace(/[.-]+$/g, '');
  return h || 'server';
}
