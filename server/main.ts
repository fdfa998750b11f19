import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config/env';
import { startLocalCompute, type LocalCompute } from './all-in-one-agent';
import { startComputeRoles } from './compute-roles';
import { createDb } from './db/client';
import { mountDashboard, type DashboardMode } from './http/dashboard';
import { createHttpServer } from './http/server';
import { randomToken } from './lib/ids';
import { logger } from './lib/logger';
import { attachRealtime, type RealtimeGateway } from './realtime/gateway';
import { createBus } from './rpc/create-bus';
import { bootstrapIdentity } from './services/identity/bootstrap';
import { createIdentity } from './services/identity/identity.module';
import { createImages } from './services/image/image.module';
import { QuotaService } from './quota/quota.service';
import { createCompute } from './services/compute/compute.module';
import { ensureDefaultFlavors } from './services/compute/default-flavors';

export type ControlPlane = {
  url: string;
  adminPassword: string;
  /** The all-in-one stack's own compute host, when it runs one (COMPUTE_DRIVER). */
  localCompute: LocalCompute | null;
  /** socket.io: services publish dashboard events here. */
  realtime: RealtimeGateway;
  close(): Promise<void>;
};

/**
 * The admin password: ADMIN_PASSWORD when set, else the one generated on the first start and kept in the
 * data directory (readable by its owner only), so a second start signs in with the same one.
 */
function adminPasswordFor(config: Config): string {
  if (config.ADMIN_PASSWORD) return config.ADMIN_PASSWORD;
  const file = path.join(config.stateDir, 'admin-password');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const generated = randomToken(12);
  fs.mkdirSync(config.stateDir, { recursive: true });
  fs.writeFileSync(file, `${generated}\n`, { mode: 0o600 });
  return generated;
}

/** Builds config → db → services → http, in that order, and gives back one handle to stop them all. */
export async function startControlPlane(opts: {
  config: Config;
  databaseUrl: string;
  /** Overrides config.DASHBOARD; unset: 'prod', or 'off' under NODE_ENV=test. */
  dashboard?: DashboardMode;
}): Promise<ControlPlane> {
  const { config } = opts;
  const db = createDb(opts.databaseUrl, { poolSize: 20 });
  const adminPassword = adminPasswordFor(config);
  await bootstrapIdentity(db, { adminPassword, hashCost: config.PASSWORD_HASH_COST });
  const identity = await createIdentity(db, config);
  await identity.catalog.register({ type: 'identity', name: 'keystone', path: '/identity/v3', description: 'Identity service' });
  const images = createImages(db, config);
  await identity.catalog.register({ type: 'image', name: 'glance', path: '/image', description: 'Image service' });
  const pruneTimer = setInterval(() => void identity.prune().catch((err) => logger.warn({ err }, 'revocation prune failed')), 3600_000);
  pruneTimer.unref();
  // uploads a dead API process left in `saving` go back to `queued`: once now, then as other processes' leases run out
  const sweepUploads = () =>
    images.sweepUploads().catch((err: unknown) => void logger.warn({ err }, 'image upload sweep failed'));
  await sweepUploads();
  const sweepTimer = setInterval(() => void sweepUploads(), config.IMAGE_UPLOAD_SWEEP_SECONDS * 1000);
  sweepTimer.unref();

  // the spine the control plane and the agents talk over: RabbitMQ when AMQP_URL is set, else in-process
  const bus = createBus({ amqpUrl: config.AMQP_URL, prefix: config.BUS_PREFIX });
  const quotas = new QuotaService(db);
  const compute = createCompute({ db, config, bus, quotas, images });
  await ensureDefaultFlavors(db);
  await identity.catalog.register({ type: 'compute', name: 'nova', path: '/compute/v2.1', description: 'Compute service' });

  const app = await createHttpServer({ identity, images, compute, publicUrl: config.publicUrl });
  const realtime = attachRealtime(app, { tokens: identity.tokens, publicUrl: config.publicUrl });
  const computeRoles = await startComputeRoles({ bus, compute, config, realtime });
  const localCompute = await startLocalCompute(config, bus);
  const dashboard = opts.dashboard ?? config.DASHBOARD ?? (config.NODE_ENV === 'test' ? 'off' : 'prod');
  if (dashboard !== 'off') await mountDashboard(app, { dev: dashboard === 'dev', hostname: config.HOST, port: config.PORT });
  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;

  return {
    url: `http://${config.HOST}:${port}`,
    adminPassword,
    localCompute,
    realtime,
    async close() {
      clearInterval(pruneTimer);
      clearInterval(sweepTimer);
      await computeRoles.close();
      await app.close();
      // the bus first: it stops consuming and waits for the handlers in flight (a local build among them)
      await bus.close();
      await localCompute?.agent.close();
      await db.$disconnect();
    },
  };
}
