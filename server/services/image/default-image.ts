import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/env';
import { createDb, type Db } from '../../db/client';
import { randomToken } from '../../lib/ids';
import { logger } from '../../lib/logger';
import type { AuthContext } from '../../policy/auth-context';
import { DEFAULT_DOMAIN_ID } from '../identity/bootstrap';
import type { TCreateImage, TImage } from './image.dto';
import { createImages, type Images } from './image.module';

/**
 * The default guest image, `tiny` (what cirros is to devstack): scripts/build-tiny-image.sh builds a Debian cloud
 * kernel and a busybox initramfs once (cached under STATE_DIR/cache/tiny), and this registers them, public and owned
 * by the admin project, as an AKI (`tiny-kernel`), an ARI (`tiny-ramdisk`) and the AMI `tiny` whose kernel_id and
 * ramdisk_id point at them. The guest runs entirely from its ramdisk, so a compute agent boots it with the kernel, the
 * ramdisk and `os_command_line`; the AMI's own data is a copy of the ramdisk (any root disk made from it goes unused).
 * When the script could make one (it needs syslinux, mtools, dosfstools, qemu-utils), `tiny-disk` is the same guest
 * as a bootable qcow2 disk (bare), for a compute agent that boots disks only.
 */

export const BUILD_SCRIPT = path.resolve(import.meta.dirname, '../../../scripts/build-tiny-image.sh');
const log = logger.child({ c: 'default-image' });

export type DefaultImageOpts = {
  /** The admin: images are created as it, owned by its project. */
  ctx: AuthContext;
  /** Where the build script writes (and caches) the kernel and ramdisk. */
  cacheDir: string;
  /** Builds into cacheDir; default: runs scripts/build-tiny-image.sh. */
  build?: (outDir: string) => Promise<void>;
  /** For the default build; default 10 minutes. */
  buildTimeoutMs?: number;
  /** Stops the default build. */
  signal?: AbortSignal;
};

export type DefaultImage = { kernel: TImage; ramdisk: TImage; image: TImage; disk: TImage | null; created: boolean };

/**
 * The build script's own cache key, as it computes it (the first 16 hex digits of its sha256) and records it in
 * tiny.json: registered images carry it, so a changed script rebuilds and re-registers even when images exist.
 */
export function buildScriptKey(): string {
  return createHash('sha256').update(fs.readFileSync(BUILD_SCRIPT)).digest('hex').slice(0, 16);
}

/** Runs the build script into outDir; rejects with the script's last lines of output. */
export function buildTinyImage(outDir: string, timeoutMs = 600_000, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [BUILD_SCRIPT, outDir],
      { timeout: timeoutMs, killSignal: 'SIGTERM', maxBuffer: 16 * 1024 * 1024, signal },
      (err, _stdout, stderr) => {
        if (!err) return resolve();
        const tail = String(stderr).trim().split('\n').slice(-5).join('\n');
        reject(
          new Error(
            `${path.basename(BUILD_SCRIPT)} failed (${err.killed ? 'timed out' : err.message.split('\n')[0]})${tail ? `: ${tail}` : ''}`,
          ),
        );
      },
    );
  });
}

async function fileDigest(file: string, algo: 'sha256' | 'sha512'): Promise<string> {
  const hash = createHash(algo);
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The admin project's own images with this name (public or not), newest first. */
async function ownNamed(images: Images, ctx: AuthContext, name: string): Promise<TImage[]> {
  return images.images.list(ctx, {
    filter: { name, ownerId: ctx.projectId!, visibility: 'all' },
    sort: [{ key: 'created_at', dir: 'desc' }],
    limit: 100,
  });
}

/** An active image of this name holding exactly `file`, else a new one with the file uploaded. */
async function ensureFileImage(
  images: Images,
  ctx: AuthContext,
  create: TCreateImage & { name: string },
  file: string,
): Promise<{ image: TImage; created: boolean }> {
  const sha512 = await fileDigest(file, 'sha512');
  const existing = await ownNamed(images, ctx, create.name);
  const same = existing.find(
    (i) =>
      i.status === 'active' &&
      i.osHashValue === sha512 &&
      JSON.stringify(i.properties) === JSON.stringify({ ...i.properties, ...create.properties }),
  );
  if (same) return { image: same, created: false };
  // a registration cut short (the stack stopped mid-upload) left an empty record: fill that one
  const queued = existing.find((i) => i.status === 'queued' && i.diskFormat === create.diskFormat);
  const image = queued ?? (await images.images.create(ctx, create));
  const uploaded = await images.data.upload(ctx, image.id, fs.createReadStream(file), fs.statSync(file).size);
  // an earlier build's image of this name (another kernel, another script) stays for the servers using it, but hidden
  // from the image list (os_hidden), so `tiny` names one image
  for (const old of existing) {
    if (old.id !== uploaded.id && old.properties.cumulo_default_image === 'tiny' && !old.osHidden) {
      await images.images.update(ctx, old.id, { osHidden: true });
    }
  }
  return { image: uploaded, created: true };
}

/**
 * Registers `tiny` (and its kernel, ramdisk and disk variant) unless the admin project already has active images of
 * those names. Idempotent: a second call, or a restart, creates nothing; images whose content a new build changed are
 * registered anew and their predecessors hidden.
 */
export async function ensureDefaultImage(images: Images, opts: DefaultImageOpts): Promise<DefaultImage> {
  const { ctx } = opts;
  if (!ctx.projectId) throw new Error('ensureDefaultImage needs a project-scoped admin context');
  const active = async (name: string) => (await ownNamed(images, ctx, name)).find((i) => i.status === 'active');
  const present = await active('tiny');
  const presentDisk = await active('tiny-disk');
  const key = buildScriptKey();
  if (present && presentDisk && present.properties.tiny_build === key && presentDisk.properties.tiny_build === key) {
    const byId = async (id: string | undefined) => (id ? await images.images.get(ctx, id).catch(() => null) : null);
    const kernel = await byId(present.properties.kernel_id);
    const ramdisk = await byId(present.properties.ramdisk_id);
    if (kernel && ramdisk) return { kernel, ramdisk, image: present, disk: presentDisk, created: false };
  }
  // otherwise (re)build, which the script's cache makes instant, and register what is missing: images already there
  // with the same content are kept
  fs.mkdirSync(opts.cacheDir, { recursive: true });
  await (opts.build ?? ((dir) => buildTinyImage(dir, opts.buildTimeoutMs, opts.signal)))(opts.cacheDir);
  const kernelFile = path.join(opts.cacheDir, 'tiny-vmlinuz');
  const ramdiskFile = path.join(opts.cacheDir, 'tiny-initrd.img');
  const manifest = JSON.parse(fs.readFileSync(path.join(opts.cacheDir, 'tiny.json'), 'utf8')) as {
    version: string;
    script?: string;
    kernel: string;
  };
  const common = { visibility: 'public', minDisk: 0, minRam: 0 } as const;
  const props = { cumulo_default_image: 'tiny', tiny_version: manifest.version, kernel_release: manifest.kernel };
  // on the images the shortcut above checks only: a kernel and ramdisk a new script left as they were stay registered
  const build = { tiny_build: manifest.script ?? '' };

  const kernel = await ensureFileImage(
    images,
    ctx,
    { ...common, name: 'tiny-kernel', diskFormat: 'aki', containerFormat: 'aki', properties: props },
    kernelFile,
  );
  const ramdisk = await ensureFileImage(
    images,
    ctx,
    { ...common, name: 'tiny-ramdisk', diskFormat: 'ari', containerFormat: 'ari', properties: props },
    ramdiskFile,
  );
  const image = await ensureFileImage(
    images,
    ctx,
    {
      ...common,
      name: 'tiny',
      diskFormat: 'ami',
      containerFormat: 'ami',
      properties: {
        ...props,
        ...build,
        kernel_id: kernel.image.id,
        ramdisk_id: ramdisk.image.id,
        os_command_line: 'console=ttyS0',
        os_distro: 'cumulo-tiny',
        os_type: 'linux',
        hw_architecture: 'x86_64',
      },
    },
    ramdiskFile,
  );
  const diskFile = path.join(opts.cacheDir, 'tiny.qcow2');
  const disk = fs.existsSync(diskFile)
    ? await ensureFileImage(
        images,
        ctx,
        {
          ...common,
          name: 'tiny-disk',
          diskFormat: 'qcow2',
          containerFormat: 'bare',
          properties: { ...props, ...build, os_distro: 'cumulo-tiny', os_type: 'linux', hw_architecture: 'x86_64' },
        },
        diskFile,
      )
    : null;
  return {
    kernel: kernel.image,
    ramdisk: ramdisk.image,
    image: image.image,
    disk: disk?.image ?? null,
    created: [kernel, ramdisk, image, disk].some((r) => r?.created),
  };
}

/** A context for the bootstrap `admin` user on the `admin` project, for work the stack does on its own behalf. */
export async function adminContext(db: Db): Promise<AuthContext> {
  const project = await db.project.findUniqueOrThrow({
    where: { domainId_name: { domainId: DEFAULT_DOMAIN_ID, name: 'admin' } },
  });
  const user = await db.user.findUniqueOrThrow({
    where: { domainId_name: { domainId: DEFAULT_DOMAIN_ID, name: 'admin' } },
  });
  const roles = ['admin', 'member', 'reader'];
  return {
    token: '',
    userId: user.id,
    userName: user.name,
    userDomainId: DEFAULT_DOMAIN_ID,
    userDomainName: 'Default',
    scope: {
      type: 'project',
      projectId: project.id,
      projectName: project.name,
      domainId: DEFAULT_DOMAIN_ID,
      domainName: 'Default',
    },
    projectId: project.id,
    roles: roles.map((name) => ({ id: name, name })),
    roleNames: new Set(roles),
    methods: ['internal'],
    auditIds: [],
    issuedAt: new Date(),
    expiresAt: new Date(Date.now() + 3_600_000),
    requestId: `req-default-image-${randomToken(6)}`,
  };
}

/**
 * For `npm start`: registers the default image in the background (the first build takes tens of seconds), with its
 * own database connection. A failure is one warning; the stack runs on without the image. `close` stops a build
 * under way and waits for the rest. DEFAULT_IMAGE=none (the default under NODE_ENV=test) does nothing.
 */
export function startDefaultImage(
  config: Config,
  databaseUrl: string,
): { done: Promise<void>; close(): Promise<void> } {
  const mode = config.DEFAULT_IMAGE ?? (config.NODE_ENV === 'test' ? 'none' : 'tiny');
  if (mode === 'none') return { done: Promise.resolve(), close: async () => undefined };
  const db = createDb(databaseUrl, { poolSize: 2 });
  const abort = new AbortController();
  const started = Date.now();
  const done = (async () => {
    try {
      const images = createImages(db, config);
      const cacheDir = path.join(config.stateDir, 'cache', 'tiny');
      const r = await ensureDefaultImage(images, { ctx: await adminContext(db), cacheDir, signal: abort.signal });
      if (!r.created) log.debug({ image: r.image.id }, "default image 'tiny' already registered");
      else
        log.info(
          { image: r.image.id, kernel: r.kernel.id, ramdisk: r.ramdisk.id, disk: r.disk?.id, ms: Date.now() - started },
          "default image 'tiny' registered",
        );
    } catch (e) {
      if (abort.signal.aborted) return;
      log.warn(
        `default image 'tiny' not registered (the stack runs without it; DEFAULT_IMAGE=none turns this off): ${(e as Error).message}`,
      );
    }
  })();
  return {
    done,
    async close() {
      abort.abort();
      await done;
      await db.$disconnect();
    },
  };
}
