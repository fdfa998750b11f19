import path from 'node:path';
import { z } from 'zod';

/** The image stores there are (see IMAGE_STORES). */
export const IMAGE_STORE_IDS = ['file', 's3'] as const;

/**
 * The only place that reads process.env. Every variable has an all-in-one default, so `npm start` runs with none set.
 * Parsing fails listing every bad variable at once.
 */
const ZEnv = z.object({
  /** Where the all-in-one stack keeps everything it writes: embedded PostgreSQL, images, disks, logs. */
  STATE_DIR: z.string().default('./.stack'),
  /** The one HTTP origin: dashboard, /api/trpc, socket.io and the OpenStack REST prefixes. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address the HTTP server binds to. */
  HOST: z.string().default('127.0.0.1'),
  /** Public base URL advertised in the service catalog; defaults to http://HOST:PORT. */
  PUBLIC_URL: z.string().url().optional(),
  /** Unset: the stack runs its own PostgreSQL under STATE_DIR. */
  DATABASE_URL: z.string().optional(),
  /** Unset: an in-process bus with the same interface as the AMQP one. */
  AMQP_URL: z.string().optional(),
  /** Prefix for every exchange and queue name, so several stacks (or test files) can share one broker. */
  BUS_PREFIX: z.string().regex(/^[a-z0-9_.-]*$/).default('cumulo'),
  /** Password of the bootstrap `admin` user; unset: generated once and kept in STATE_DIR/admin-password. */
  ADMIN_PASSWORD: z.string().min(1).optional(),
  /** Lifetime of an identity token, in seconds (Keystone's default is one hour). */
  TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(3600),
  /** scrypt cost parameter N for password hashes (a power of two). 2^15 ≈ 32 MiB and tens of ms per check. */
  PASSWORD_HASH_COST: z.coerce.number().int().min(1024).default(32768),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /**
   * How the dashboard (Next.js, web/) is served: 'prod' serves the build of `npx next build web`, 'dev' compiles on
   * the fly with hot reload, 'off' serves no pages. Unset: 'prod', except under NODE_ENV=test where it is 'off'.
   */
  DASHBOARD: z.enum(['prod', 'dev', 'off']).optional(),
  /** Largest image an upload may store, in bytes (Glance's image_size_cap; default 1 TiB). Bigger uploads get a 413. */
  IMAGE_SIZE_CAP_BYTES: z.coerce.number().int().positive().default(1024 ** 4),
  /**
   * The image stores uploads may go to, comma-separated: 'file' (STATE_DIR/images) and 's3' (an external
   * S3-compatible service, IMAGE_S3_*). Like Glance's enabled_backends: images keep the store they were uploaded to.
   */
  IMAGE_STORES: z
    .string()
    .default('file')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(IMAGE_STORE_IDS)).min(1, 'name at least one image store')),
  /** Where uploads go when the client names no store (X-Image-Meta-Store); one of IMAGE_STORES, default its first. */
  IMAGE_DEFAULT_STORE: z.enum(IMAGE_STORE_IDS).optional(),
  /** The S3-compatible service of the 's3' store, e.g. http://127.0.0.1:9000; required when 's3' is enabled. */
  IMAGE_S3_ENDPOINT: z.string().url().optional(),
  /** The bucket (it must exist) the 's3' store keeps its objects in, as images/<id>. */
  IMAGE_S3_BUCKET: z.string().min(1).optional(),
  /** The region the request signatures name; S3-compatible services mostly accept any. */
  IMAGE_S3_REGION: z.string().min(1).default('us-east-1'),
  IMAGE_S3_ACCESS_KEY: z.string().min(1).optional(),
  IMAGE_S3_SECRET_KEY: z.string().min(1).optional(),
  /** Bytes of an upload held in memory at once, per upload (one multipart part); S3's minimum is 5 MiB. */
  IMAGE_S3_PART_SIZE_BYTES: z.coerce
    .number()
    .int()
    .min(5 * 1024 ** 2)
    .default(8 * 1024 ** 2),
  /**
   * An upload renews its lease on the image this often / 3 while the data streams; an image in `saving` whose lease is
   * older than this was left by a process that died mid-upload, and the sweeper returns it to `queued`.
   */
  IMAGE_UPLOAD_LEASE_SECONDS: z.coerce.number().positive().default(60),
  /** How often each API process sweeps for such interrupted uploads (it also sweeps once at start). */
  IMAGE_UPLOAD_SWEEP_SECONDS: z.coerce.number().positive().default(60),
  /**
   * The default guest image `npm start` builds once (scripts/build-tiny-image.sh, cached in STATE_DIR/cache/tiny) and
   * registers as the public image `tiny`; 'none' skips it. Unset: 'tiny', except under NODE_ENV=test where it is 'none'.
   */
  DEFAULT_IMAGE: z.enum(['tiny', 'none']).optional(),
  /**
   * Which hypervisor the all-in-one stack's own compute agent drives: 'libvirt' (qemu:///system, real VMs under TCG),
   * 'test' (libvirt's test hypervisor: no real guests), 'none' (no agent; hosts join with `npm run agent`). Unset:
   * 'libvirt' where libvirtd answers (as root, `npm start` installs and starts it), else 'test'; under NODE_ENV=test
   * 'none'.
   */
  COMPUTE_DRIVER: z.enum(['libvirt', 'test', 'none']).optional(),
  /** The all-in-one compute agent's host name; default: this machine's host name. */
  COMPUTE_HOST: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/).optional(),
  /** Build attempts on different hosts before an instance ends in ERROR (Nova's [scheduler] max_attempts). */
  COMPUTE_MAX_BUILD_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** > 0 spreads instances over hosts by free RAM (Nova's ram_weight_multiplier), < 0 packs them. */
  SCHEDULER_RAM_WEIGHT_MULTIPLIER: z.coerce.number().default(1),
  /** How often a compute agent reports that it is alive (and its power states); keep it well below the down time. */
  COMPUTE_HEARTBEAT_SECONDS: z.coerce.number().positive().default(10),
  /** A compute host silent for this long is down: it gets no builds, and its builds in progress end in ERROR. */
  COMPUTE_SERVICE_DOWN_SECONDS: z.coerce.number().int().min(1).default(60),
  /**
   * How often a compute agent sweeps its image cache (Nova's [image_cache] manager_interval); 0 never. At most about
   * 24 days, the longest interval a node timer takes (a longer one would fire every millisecond).
   */
  COMPUTE_IMAGE_CACHE_SWEEP_SECONDS: z.coerce.number().int().min(0).max(2_147_483).default(2400),
  /**
   * A cached image no instance on the host uses, and no boot has fetched for this long, is removed by the sweep
   * (Nova's remove_unused_original_minimum_age_seconds), as is a failed download's leftover `.part` file.
   */
  COMPUTE_IMAGE_CACHE_MIN_AGE_SECONDS: z.coerce.number().int().min(0).default(86_400),
  /**
   * Unset: no cap. Set: while a host's image cache holds more bytes than this, the sweep removes unused images, least
   * recently used first (images instances use are never removed, even when they alone exceed it).
   */
  COMPUTE_IMAGE_CACHE_MAX_BYTES: z.coerce.number().int().min(0).optional(),
  /** A build still spawning after this long is ended in ERROR (Nova's instance_build_timeout); 0 never. */
  COMPUTE_BUILD_TIMEOUT_SECONDS: z.coerce.number().int().min(0).default(600),
});

/** Settings that depend on each other: the default store must be enabled, and an enabled s3 store fully set. */
const ZCheckedEnv = ZEnv.superRefine((e, ctx) => {
  if (e.IMAGE_DEFAULT_STORE && !e.IMAGE_STORES.includes(e.IMAGE_DEFAULT_STORE))
    ctx.addIssue({
      code: 'custom',
      path: ['IMAGE_DEFAULT_STORE'],
      message: `'${e.IMAGE_DEFAULT_STORE}' is not one of IMAGE_STORES (${e.IMAGE_STORES.join(',')})`,
    });
  if (e.IMAGE_STORES.includes('s3'))
    for (const k of ['IMAGE_S3_ENDPOINT', 'IMAGE_S3_BUCKET', 'IMAGE_S3_ACCESS_KEY', 'IMAGE_S3_SECRET_KEY'] as const)
      if (!e[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'required when IMAGE_STORES includes s3' });
});

export type TEnv = z.infer<typeof ZEnv>;

export type Config = TEnv & { stateDir: string; publicUrl: string };

/** startComputeAgent's `imageCache` settings, from the COMPUTE_IMAGE_CACHE_* variables. */
export function imageCacheSettings(c: TEnv): { sweepMs: number; minAgeMs: number; maxBytes?: number } {
  return {
    sweepMs: c.COMPUTE_IMAGE_CACHE_SWEEP_SECONDS * 1000,
    minAgeMs: c.COMPUTE_IMAGE_CACHE_MIN_AGE_SECONDS * 1000,
    ...(c.COMPUTE_IMAGE_CACHE_MAX_BYTES !== undefined && { maxBytes: c.COMPUTE_IMAGE_CACHE_MAX_BYTES }),
  };
}

/** What every compute agent takes from the configuration: its timers and its image cache's settings. */
export function computeAgentSettings(c: TEnv) {
  const every = c.COMPUTE_HEARTBEAT_SECONDS * 1000;
  return { heartbeatMs: every, powerSyncMs: every, imageCache: imageCacheSettings(c) };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ZCheckedEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const stateDir = path.resolve(e.STATE_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, '');
  return { ...e, stateDir, publicUrl };
}
