import { z } from 'zod';
import { ZCreateFlavor, type TFlavor } from '../../services/compute/flavor.dto';
import type { TComputeService, THypervisor } from '../../services/compute/host.dto';
import { COMPUTE_BINARY } from '../../services/compute/hosts.service';
import { COMPUTE_RESOURCES, type TComputeResource } from '../../services/compute/compute-quotas.service';
import type { ServerWithFault } from '../../services/compute/servers.service';
import { serverStatus } from '../../services/compute/states';
import { adminProcedure, router } from '../trpc';

const ZProjectId = z.string().trim().min(1, 'Choose a project.').max(64);

export const ZSetServiceEnabled = z.object({
  host: z.string().min(1).max(255),
  enabled: z.boolean(),
  /** Why the host takes no new instances; shown to other operators. */
  reason: z.string().trim().max(255, 'must be at most 255 characters').optional(),
});

export const ZListAllServers = z
  .object({
    limit: z.number().int().min(1).max(200).default(25),
    /** The last server of the previous page (keyset paging). */
    marker: z.string().min(1).max(64).optional(),
    projectId: z.string().min(1).max(64).optional(),
    host: z.string().min(1).max(255).optional(),
    name: z.string().trim().min(1).max(255).optional(),
  })
  .default({});

export const ZCreateFlavorInput = ZCreateFlavor.pick({
  name: true,
  vcpus: true,
  ramMb: true,
  diskGb: true,
  ephemeralGb: true,
  swapMb: true,
  isPublic: true,
  description: true,
}).extend({ name: z.string().trim().min(1, 'Enter a name.').max(255) });

export const ZFlavorId = z.object({ id: z.string().min(1).max(255) });

/** -1 is unlimited, as in Nova's quota sets. */
const ZLimit = z
  .number()
  .int('must be a whole number')
  .min(-1, 'must be -1 (unlimited) or more')
  .max(2 ** 31 - 1);
export const ZSetQuotas = z.object({
  projectId: ZProjectId,
  limits: z.record(z.enum(COMPUTE_RESOURCES as [TComputeResource, ...TComputeResource[]]), ZLimit),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

const serviceView = (s: TComputeService) => ({
  id: s.serviceId,
  host: s.host,
  binary: COMPUTE_BINARY,
  availabilityZone: s.availabilityZone,
  status: s.enabled ? ('enabled' as const) : ('disabled' as const),
  state: s.up ? ('up' as const) : ('down' as const),
  disabledReason: s.disabledReason,
  forcedDown: s.forcedDown,
  lastHeartbeatAt: s.lastHeartbeatAt.toISOString(),
});

const hypervisorView = (h: THypervisor) => ({
  ...serviceView(h),
  id: h.hypervisorId,
  hypervisorType: h.hypervisorType,
  hostIp: h.hostIp,
  vcpus: h.vcpus,
  vcpusUsed: h.vcpusUsed,
  memoryMb: h.memoryMb,
  memoryMbUsed: h.memoryMbUsed,
  diskGb: h.diskGb,
  diskGbUsed: h.diskGbUsed,
  runningVms: h.runningVms,
  currentWorkload: h.currentWorkload,
});

const serverView = (s: ServerWithFault) => ({
  id: s.id,
  name: s.name,
  projectId: s.projectId,
  userId: s.userId,
  host: s.host,
  status: serverStatus(s.vmState, s.taskState),
  taskState: s.taskState,
  flavor: { name: s.flavor.name, vcpus: s.flavor.vcpus, ram: s.flavor.ram, disk: s.flavor.disk },
  imageId: s.imageId,
  createdAt: s.createdAt.toISOString(),
  launchedAt: iso(s.launchedAt),
  fault: s.fault?.message ?? null,
});

const flavorView = (f: TFlavor) => ({
  id: f.id,
  name: f.name,
  vcpus: f.vcpus,
  ramMb: f.ramMb,
  diskGb: f.diskGb,
  ephemeralGb: f.ephemeralGb,
  swapMb: f.swapMb,
  isPublic: f.isPublic,
  disabled: f.disabled,
  description: f.description,
});

const hypervisors = router({
  list: adminProcedure.query(async ({ ctx }) =>
    (await ctx.compute.hypervisors.list(ctx.auth, { detail: true })).hypervisors.map(hypervisorView),
  ),
});

const services = router({
  list: adminProcedure.query(async ({ ctx }) => (await ctx.compute.hosts.listServices(ctx.auth)).map(serviceView)),
  /** A disabled host keeps its instances but the scheduler places nothing new on it. */
  setEnabled: adminProcedure
    .input(ZSetServiceEnabled)
    .mutation(async ({ ctx, input }) =>
      serviceView(
        await ctx.compute.hosts.updateServiceByHost(
          ctx.auth,
          input.host,
          COMPUTE_BINARY,
          input.enabled ? { status: 'enabled' } : { status: 'disabled', disabledReason: input.reason || undefined },
        ),
      ),
    ),
});

const servers = router({
  /** One page of every project's servers, newest first; `nextMarker` is null on the last page. */
  listAll: adminProcedure.input(ZListAllServers).query(async ({ ctx, input }) => {
    // one more than the page tells whether another page follows
    const found = await ctx.compute.servers.list(ctx.auth, {
      allProjects: true,
      projectId: input.projectId,
      host: input.host,
      name: input.name,
      limit: input.limit + 1,
      marker: input.marker,
      sortKey: 'created_at',
      sortDir: 'desc',
    });
    const page = found.slice(0, input.limit);
    return { servers: page.map(serverView), nextMarker: found.length > input.limit ? page.at(-1)!.id : null };
  }),
});

const flavors = router({
  list: adminProcedure.query(async ({ ctx }) =>
    (
      await ctx.compute.flavors.list(ctx.auth, { isPublic: null, sortKey: 'memory_mb', sortDir: 'asc', limit: 1000 })
    ).map(flavorView),
  ),
  create: adminProcedure
    .input(ZCreateFlavorInput)
    .mutation(async ({ ctx, input }) => flavorView(await ctx.compute.flavors.create(ctx.auth, input))),
  /** Servers keep their copy of the flavor: deleting one never touches a running server. */
  delete: adminProcedure.input(ZFlavorId).mutation(({ ctx, input }) => ctx.compute.flavors.delete(ctx.auth, input.id)),
});

const quotas = router({
  /** The project's compute limits with what it uses now, by resource name. */
  get: adminProcedure.input(z.object({ projectId: ZProjectId })).query(async ({ ctx, input }) => {
    const usage = await ctx.compute.computeQuotas.quotaDetail(ctx.auth, input.projectId);
    return COMPUTE_RESOURCES.map((resource) => ({ resource, ...usage[resource] }));
  }),
  /** A limit below what the project uses now is refused (Nova's update without force). */
  set: adminProcedure.input(ZSetQuotas).mutation(async ({ ctx, input }) => {
    await ctx.compute.computeQuotas.update(ctx.auth, input.projectId, input.limits);
    const usage = await ctx.compute.computeQuotas.quotaDetail(ctx.auth, input.projectId);
    return COMPUTE_RESOURCES.map((resource) => ({ resource, ...usage[resource] }));
  }),
});

/** The compute admin console: hosts, hypervisors, every project's servers, flavors and quotas. Admins only. */
export const computeAdminRouter = router({ hypervisors, services, servers, flavors, quotas });
