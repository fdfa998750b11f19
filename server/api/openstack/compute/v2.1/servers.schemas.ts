import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import type { TCreateServer, TServerListQuery, TUpdateServer } from '../../../../services/compute/server.dto';
import type { ServerAction } from '../../../../services/compute/states';
import { parseInput } from '../../validate';

/** Request bodies and queries of /servers, as Nova's JSON schemas (nova/api/openstack/compute/schemas/servers.py) have them. */

const count = z.union([z.number().int(), z.string().regex(/^[0-9]+$/).transform(Number)]).pipe(z.number().int().min(1));
const ZRef = z.union([z.string(), z.number().transform(String)]).pipe(z.string().min(1));

const ZCreateBody = z.object({
  server: z
    .object({
      name: z.string(),
      imageRef: ZRef.optional(),
      flavorRef: ZRef,
      key_name: z.string().nullable().optional(),
      user_data: z.string().nullable().optional(),
      metadata: z.record(z.string()).optional(),
      availability_zone: z.string().nullable().optional(),
      min_count: count.optional(),
      max_count: count.optional(),
      return_reservation_id: z.union([z.boolean(), z.string()]).optional(),
      description: z.string().nullable().optional(),
      adminPass: z.string().optional(),
      // networking comes with the network service: 'auto' and 'none' (what the CLI sends) mean "no network" for now
      networks: z.union([z.literal('auto'), z.literal('none'), z.array(z.record(z.unknown())).max(0)]).optional(),
      security_groups: z.array(z.object({ name: z.string() })).optional(),
      config_drive: z.union([z.boolean(), z.string()]).optional(),
      'OS-DCF:diskConfig': z.enum(['AUTO', 'MANUAL']).optional(),
      accessIPv4: z.string().optional(),
      accessIPv6: z.string().optional(),
      hostname: z.string().optional(),
      tags: z.array(z.string()).max(0, 'server tags are not supported yet').optional(),
    })
    .strict(),
  'os:scheduler_hints': z.object({ group: z.string().optional() }).passthrough().optional(),
  'OS-SCH-HNT:scheduler_hints': z.object({ group: z.string().optional() }).passthrough().optional(),
});

export function createServerInput(body: unknown): { input: TCreateServer; returnReservationId: boolean } {
  const b = parseInput(ZCreateBody, body);
  const s = b.server;
  if (!s.imageRef) throw new AppError('BadRequest', 'Booting from a volume is not supported yet: imageRef is required.');
  const hints = b['os:scheduler_hints'] ?? b['OS-SCH-HNT:scheduler_hints'];
  const input: TCreateServer = {
    name: s.name,
    description: s.description ?? null,
    imageId: s.imageRef,
    flavorId: s.flavorRef,
    keyName: s.key_name ?? null,
    userData: s.user_data ?? null,
    metadata: s.metadata ?? {},
    availabilityZone: s.availability_zone ?? null,
    serverGroupId: hints?.group ?? null,
    minCount: s.min_count ?? 1,
    ...(s.max_count !== undefined && { maxCount: s.max_count }),
    ...(s.adminPass !== undefined && { adminPass: s.adminPass }),
  };
  const r = s.return_reservation_id;
  return { input, returnReservationId: r === true || (typeof r === 'string' && ['true', '1', 'yes'].includes(r.toLowerCase())) };
}

const ZUpdateBody = z.object({
  server: z.object({ name: z.string().optional(), description: z.string().nullable().optional() }).passthrough(),
});
export const updateServerInput = (body: unknown): TUpdateServer => {
  const s = parseInput(ZUpdateBody, body).server;
  return { ...(s.name !== undefined && { name: s.name }), ...(s.description !== undefined && { description: s.description }) };
};

const SORT_KEYS = ['created_at', 'display_name', 'updated_at', 'vm_state', 'host', 'uuid'] as const;
const ZListQuery = z
  .object({
    all_tenants: z.string().optional(),
    project_id: z.string().optional(),
    tenant_id: z.string().optional(),
    status: z.string().optional(),
    name: z.string().optional(),
    host: z.string().optional(),
    image: z.string().optional(),
    flavor: z.string().optional(),
    reservation_id: z.string().optional(),
    'changes-since': z.string().datetime({ offset: true }).optional(),
    deleted: z.string().optional(),
    limit: z.coerce.number().int().min(0).optional(),
    marker: z.string().optional(),
    sort_key: z.enum(SORT_KEYS).optional(),
    sort_dir: z.enum(['asc', 'desc']).optional(),
  })
  .passthrough();

const truthy = (v: string | undefined) => v !== undefined && ['', 'true', '1', 'yes', 'on'].includes(v.toLowerCase());

/** Nova's default page is 1000 servers (osapi_max_limit). */
export const MAX_PAGE = 1000;

export function listServersInput(query: unknown): TServerListQuery {
  const q = parseInput(ZListQuery, query ?? {});
  return {
    allProjects: truthy(q.all_tenants),
    projectId: q.project_id ?? q.tenant_id,
    status: q.status,
    name: q.name,
    host: q.host,
    imageId: q.image,
    flavorId: q.flavor,
    reservationId: q.reservation_id,
    changesSince: q['changes-since'] ? new Date(q['changes-since']) : undefined,
    deleted: truthy(q.deleted),
    limit: Math.min(q.limit ?? MAX_PAGE, MAX_PAGE),
    marker: q.marker,
    sortKey: q.sort_key ?? 'created_at',
    sortDir: q.sort_dir ?? 'desc',
  };
}

/** The one action a POST /servers/{id}/action body names, and its argument. */
export type ParsedAction =
  | { kind: 'lifecycle'; action: ServerAction; imageId?: string; flavorId?: string }
  | { kind: 'console'; length?: number }
  | { kind: 'lock'; locked: boolean; reason?: string };

const SIMPLE: Record<string, ServerAction> = {
  'os-start': 'start',
  'os-stop': 'stop',
  pause: 'pause',
  unpause: 'unpause',
  suspend: 'suspend',
  resume: 'resume',
  confirmResize: 'confirm_resize',
  revertResize: 'revert_resize',
};

export function actionInput(body: unknown, opts: { lockReason?: boolean } = {}): ParsedAction {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('BadRequest', 'The action body must be a JSON object naming one action.');
  const keys = Object.keys(body);
  if (keys.length !== 1) throw new AppError('BadRequest', `Exactly one action must be given, got ${keys.length}: ${keys.join(', ') || 'none'}.`);
  const name = keys[0]!;
  const arg = (body as Record<string, unknown>)[name];
  if (SIMPLE[name]) return { kind: 'lifecycle', action: SIMPLE[name] };
  if (name === 'reboot') {
    const r = parseInput(z.object({ reboot: z.object({ type: z.string().transform((s) => s.toUpperCase()).pipe(z.enum(['SOFT', 'HARD'])) }) }), body);
    return { kind: 'lifecycle', action: r.reboot.type === 'HARD' ? 'reboot_hard' : 'reboot_soft' };
  }
  if (name === 'rebuild') {
    const r = parseInput(z.object({ rebuild: z.object({ imageRef: ZRef }).passthrough() }), body);
    return { kind: 'lifecycle', action: 'rebuild', imageId: r.rebuild.imageRef };
  }
  if (name === 'resize') {
    const r = parseInput(z.object({ resize: z.object({ flavorRef: ZRef, 'OS-DCF:diskConfig': z.string().optional() }).strict() }), body);
    return { kind: 'lifecycle', action: 'resize', flavorId: r.resize.flavorRef };
  }
  // os-lock-server: any body before 2.73 (Nova does not look at it); from 2.73 null or {locked_reason}
  if (name === 'unlock') return { kind: 'lock', locked: false };
  if (name === 'lock' && !opts.lockReason) return { kind: 'lock', locked: true };
  if (name === 'lock') {
    const r = parseInput(z.object({ lock: z.object({ locked_reason: z.string().min(1).max(255).optional() }).strict().nullable() }), body);
    return { kind: 'lock', locked: true, ...(r.lock?.locked_reason && { reason: r.lock.locked_reason }) };
  }
  if (name === 'os-getConsoleOutput') {
    const length = z.union([z.number().int(), z.string().regex(/^-?[0-9]+$/).transform(Number), z.null()]).optional();
    const r = parseInput(z.object({ 'os-getConsoleOutput': z.object({ length }).passthrough() }), body);
    const n = r['os-getConsoleOutput'].length;
    return { kind: 'console', ...(n !== null && n !== undefined && n >= 0 && { length: n }) };
  }
  void arg;
  throw new AppError('BadRequest', `There is no such action: ${name}`);
}
