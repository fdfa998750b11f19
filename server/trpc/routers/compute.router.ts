import { z } from 'zod';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import type { TFlavor } from '../../services/compute/flavor.dto';
import type { TInstanceAction } from '../../services/compute/instance.dto';
import type { TKeyPair } from '../../services/compute/keypair.dto';
import { SERVER_GROUP_POLICIES, type TServerGroup } from '../../services/compute/server-group.dto';
import { MAX_METADATA_LENGTH } from '../../services/compute/server.dto';
import type { ServerWithFault } from '../../services/compute/servers.service';
import { POWER_STATE_NAMES, serverStatus } from '../../services/compute/states';
import type { TImage } from '../../services/image/image.dto';
import { authedProcedure, router } from '../trpc';

/** The live event's payload, re-exported so the dashboard can type it without importing a service. */
export type { TInstanceEvent } from '../../services/compute/instance-events';

/** Plain text as the form has it; base64 grows it by a third and Nova caps the encoded form at 65,535 bytes. */
export const MAX_USER_DATA_TEXT_BYTES = 49_149;

export const ZServerListInput = z.object({
  limit: z.number().int().min(1).max(200).default(25),
  /** The last server of the previous page (keyset paging: fast however many servers there are). */
  marker: z.string().min(1).max(64).optional(),
  name: z.string().trim().max(255).optional(),
  status: z.string().trim().max(32).optional(),
  sortKey: z.enum(['created_at', 'display_name', 'vm_state', 'updated_at']).default('created_at'),
  sortDir: z.enum(['asc', 'desc']).default('desc'),
});

export const ZServerId = z.object({ id: z.string().min(1).max(64) });

export const ZLaunchInput = z.object({
  name: z.string().max(255, 'must be at most 255 characters'),
  count: z.number().int().min(1, 'launch at least one').max(50, 'launch at most 50 at once').default(1),
  imageId: z.string().min(1, 'choose an image').max(64),
  flavorId: z.string().min(1, 'choose a flavor').max(255),
  keyName: z.string().max(255).nullable().default(null),
  /** Plain text (a cloud-init script); encoded here, since the service takes base64 as Nova does. */
  userData: z
    .string()
    .refine(
      (s) => Buffer.byteLength(s, 'utf8') <= MAX_USER_DATA_TEXT_BYTES,
      `user data must be at most ${MAX_USER_DATA_TEXT_BYTES} bytes`,
    )
    .nullable()
    .default(null),
  serverGroupId: z.string().max(64).nullable().default(null),
});
export type TLaunchInput = z.input<typeof ZLaunchInput>;

export const SERVER_ACTIONS = [
  'start',
  'stop',
  'reboot_soft',
  'reboot_hard',
  'pause',
  'unpause',
  'suspend',
  'resume',
  'confirm_resize',
  'revert_resize',
] as const;
export const ZServerActionInput = ZServerId.extend({ action: z.enum(SERVER_ACTIONS) });
export const ZRenameInput = ZServerId.extend({
  name: z.string().trim().min(1, 'Enter a name.').max(255, 'must be at most 255 characters'),
});
export const ZRebuildInput = ZServerId.extend({ imageId: z.string().min(1, 'Choose an image.').max(64) });
export const ZResizeInput = ZServerId.extend({ flavorId: z.string().min(1, 'Choose a flavor.').max(255) });

/** Nova's limits on one metadata item, checked here too so the form shows them by the field. */
export const ZMetadataKeyInput = ZServerId.extend({
  key: z.string().min(1, 'Enter a key.').max(MAX_METADATA_LENGTH, `must be at most ${MAX_METADATA_LENGTH} characters`),
});
export const ZSetMetadataInput = ZMetadataKeyInput.extend({
  value: z.string().max(MAX_METADATA_LENGTH, `must be at most ${MAX_METADATA_LENGTH} characters`),
});

export const ZCreateServerGroupInput = z.object({
  name: z.string().trim().min(1, 'Enter a name.').max(255, 'must be at most 255 characters'),
  policy: z.enum(SERVER_GROUP_POLICIES),
});

export const ZConsoleLogInput = ZServerId.extend({ lines: z.number().int().min(1).max(10_000).default(200) });

export const ZKeyPairName = z.object({ name: z.string().min(1, 'enter a name').max(255) });
export const ZImportKeyPair = ZKeyPairName.extend({
  publicKey: z.string().trim().min(1, 'paste a public key').max(16384),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A server as the dashboard shows it: dates as ISO strings (no transformer on the wire), the host for admins only. */
function serverView(auth: AuthContext, s: ServerWithFault) {
  const admin = isCloudAdmin(auth);
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    projectId: s.projectId,
    status: serverStatus(s.vmState, s.taskState),
    vmState: s.vmState as string,
    taskState: s.taskState,
    powerState: s.powerState,
    powerStateName: POWER_STATE_NAMES[s.powerState] ?? 'NOSTATE',
    flavor: { id: s.flavor.id, name: s.flavor.name, vcpus: s.flavor.vcpus, ram: s.flavor.ram, disk: s.flavor.disk },
    imageId: s.imageId,
    keyName: s.keyName,
    host: admin ? s.host : null,
    availabilityZone: s.availabilityZone,
    locked: s.locked,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    launchedAt: iso(s.launchedAt),
    fault: s.fault && {
      code: s.fault.code,
      message: s.fault.message,
      details: admin ? s.fault.details : null,
      createdAt: s.fault.createdAt.toISOString(),
    },
  };
}
export type TServerView = ReturnType<typeof serverView>;

const actionView = (a: TInstanceAction) => ({
  action: a.action,
  requestId: a.requestId,
  userId: a.userId,
  message: a.message,
  startTime: a.startTime.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
  events: a.events.map((e) => ({
    event: e.event,
    result: e.result,
    traceback: e.traceback,
    startTime: e.startTime.toISOString(),
    finishTime: iso(e.finishTime),
  })),
});

const flavorView = (f: TFlavor) => ({
  id: f.id,
  name: f.name,
  vcpus: f.vcpus,
  ramMb: f.ramMb,
  diskGb: f.diskGb,
  ephemeralGb: f.ephemeralGb,
  swapMb: f.swapMb,
  disabled: f.disabled,
  description: f.description,
});

const keyPairView = (k: TKeyPair) => ({
  name: k.name,
  type: k.type,
  fingerprint: k.fingerprint,
  publicKey: k.publicKey,
  createdAt: k.createdAt.toISOString(),
});

const imageView = (i: TImage) => ({
  id: i.id,
  name: i.name,
  size: i.size,
  diskFormat: i.diskFormat,
  minDisk: i.minDisk,
  minRam: i.minRam,
  visibility: i.visibility,
});

const serverGroupView = (g: TServerGroup) => ({
  id: g.id,
  name: g.name,
  policy: g.policy,
  members: g.members,
  createdAt: g.createdAt.toISOString(),
});

/** Base64 as Nova takes it; an empty script is no user data at all. */
const userDataOf = (text: string | null) => (text ? Buffer.from(text, 'utf8').toString('base64') : null);

const servers = router({
  /** One page, newest first by default; `nextMarker` is null on the last page (one more than a page is asked for to know). */
  list: authedProcedure.input(ZServerListInput).query(async ({ ctx, input }) => {
    const found = await ctx.compute.servers.list(ctx.auth, {
      allProjects: false,
      name: input.name || undefined,
      status: input.status || undefined,
      limit: input.limit + 1,
      marker: input.marker,
      sortKey: input.sortKey,
      sortDir: input.sortDir,
    });
    const page = found.slice(0, input.limit);
    return {
      items: page.map((s) => serverView(ctx.auth, s)),
      nextMarker: found.length > input.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }),
  get: authedProcedure
    .input(ZServerId)
    .query(async ({ ctx, input }) => serverView(ctx.auth, await ctx.compute.servers.get(ctx.auth, input.id))),
  create: authedProcedure.input(ZLaunchInput).mutation(async ({ ctx, input }) => {
    const created = await ctx.compute.servers.create(ctx.auth, {
      name: input.name,
      imageId: input.imageId,
      flavorId: input.flavorId,
      keyName: input.keyName || null,
      userData: userDataOf(input.userData),
      serverGroupId: input.serverGroupId || null,
      minCount: input.count,
      maxCount: input.count,
    });
    return {
      ids: created.servers.map((s) => s.id),
      servers: created.servers.map((s) => serverView(ctx.auth, { ...s, fault: null })),
      reservationId: created.reservationId,
    };
  }),
  action: authedProcedure.input(ZServerActionInput).mutation(async ({ ctx, input }) => {
    const moved = await ctx.compute.servers.action(ctx.auth, input.id, input.action);
    return serverView(ctx.auth, { ...moved, fault: null });
  }),
  rename: authedProcedure
    .input(ZRenameInput)
    .mutation(async ({ ctx, input }) =>
      serverView(ctx.auth, await ctx.compute.servers.update(ctx.auth, input.id, { name: input.name })),
    ),
  /** Wipes the disk and boots it from the image (the same one when it is the server's own). */
  rebuild: authedProcedure.input(ZRebuildInput).mutation(async ({ ctx, input }) => {
    const moved = await ctx.compute.servers.action(ctx.auth, input.id, 'rebuild', { imageId: input.imageId });
    return serverView(ctx.auth, { ...moved, fault: null });
  }),
  /** Ends in VERIFY_RESIZE: the action procedure's confirm_resize or revert_resize settles it. */
  resize: authedProcedure.input(ZResizeInput).mutation(async ({ ctx, input }) => {
    const moved = await ctx.compute.servers.action(ctx.auth, input.id, 'resize', { flavorId: input.flavorId });
    return serverView(ctx.auth, { ...moved, fault: null });
  }),
  delete: authedProcedure.input(ZServerId).mutation(async ({ ctx, input }) => {
    await ctx.compute.servers.delete(ctx.auth, input.id);
    return { ok: true as const };
  }),
  consoleLog: authedProcedure.input(ZConsoleLogInput).query(async ({ ctx, input }) => ({
    output: await ctx.compute.servers.consoleOutput(ctx.auth, input.id, input.lines),
  })),
  /** The action log, newest first, each with its events (a failed event carries the fault's traceback). */
  actions: authedProcedure
    .input(ZServerId)
    .query(async ({ ctx, input }) => (await ctx.compute.servers.actions(ctx.auth, input.id)).map(actionView)),
});

/** A server's metadata; each write returns the whole map as it now is. */
const metadata = router({
  list: authedProcedure.input(ZServerId).query(({ ctx, input }) => ctx.compute.serverMetadata.list(ctx.auth, input.id)),
  set: authedProcedure.input(ZSetMetadataInput).mutation(async ({ ctx, input }) => {
    await ctx.compute.serverMetadata.set(ctx.auth, input.id, input.key, input.value);
    return ctx.compute.serverMetadata.list(ctx.auth, input.id);
  }),
  delete: authedProcedure.input(ZMetadataKeyInput).mutation(async ({ ctx, input }) => {
    await ctx.compute.serverMetadata.delete(ctx.auth, input.id, input.key);
    return ctx.compute.serverMetadata.list(ctx.auth, input.id);
  }),
});

/** The project's server groups, for the wizard's picker (the scheduler hint `group`). */
const serverGroups = router({
  list: authedProcedure.query(async ({ ctx }) =>
    (await ctx.compute.serverGroups.list(ctx.auth, { allProjects: false, limit: 1000, offset: 0 })).map(
      serverGroupView,
    ),
  ),
  get: authedProcedure
    .input(ZServerId)
    .query(async ({ ctx, input }) => serverGroupView(await ctx.compute.serverGroups.get(ctx.auth, input.id))),
  create: authedProcedure
    .input(ZCreateServerGroupInput)
    .mutation(async ({ ctx, input }) => serverGroupView(await ctx.compute.serverGroups.create(ctx.auth, input))),
});

const flavors = router({
  /** What the caller may boot, smallest first; the wizard greys out what the quota or the image rules out. */
  list: authedProcedure.query(async ({ ctx }) =>
    (
      await ctx.compute.flavors.list(ctx.auth, { isPublic: true, sortKey: 'memory_mb', sortDir: 'asc', limit: 1000 })
    ).map(flavorView),
  ),
});

const images = router({
  /** Active images the caller may boot from, by name: the wizard's sources. */
  bootable: authedProcedure.query(async ({ ctx }) =>
    (
      await ctx.images.images.list(ctx.auth, {
        filter: { status: 'active' },
        sort: [{ key: 'name', dir: 'asc' }],
        limit: 1000,
      })
    ).map(imageView),
  ),
});

const keypairs = router({
  list: authedProcedure.query(async ({ ctx }) => (await ctx.compute.keypairs.list(ctx.auth, {})).map(keyPairView)),
  /** Generates a pair: the private key is in this answer only, never stored. */
  create: authedProcedure.input(ZKeyPairName).mutation(async ({ ctx, input }) => {
    const { keypair, privateKey } = await ctx.compute.keypairs.create(ctx.auth, { name: input.name });
    return { keypair: keyPairView(keypair), privateKey: privateKey ?? '' };
  }),
  import: authedProcedure
    .input(ZImportKeyPair)
    .mutation(async ({ ctx, input }) =>
      keyPairView(
        (await ctx.compute.keypairs.create(ctx.auth, { name: input.name, publicKey: input.publicKey })).keypair,
      ),
    ),
  delete: authedProcedure.input(ZKeyPairName).mutation(async ({ ctx, input }) => {
    await ctx.compute.keypairs.delete(ctx.auth, input.name);
    return { ok: true as const };
  }),
});

const quota = router({
  /** The session project's limits and usage, per resource (-1: unlimited). */
  usage: authedProcedure.query(({ ctx }) => ctx.quotas.usage(ctx.auth, ctx.auth.projectId ?? '')),
});

/** The compute pages: instances, the launch wizard, key pairs, the overview's quota bars. Each procedure is one service call. */
export const computeRouter = router({ servers, metadata, serverGroups, flavors, images, keypairs, quota });
