import { loadConfig, type Config } from './config/env';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded-postgres';
import { migrate } from './db/migrate';
import { logger } from './lib/logger';
import { startControlPlane, type ControlPlane } from './main';
import { startDefaultImage } from './services/image/default-image';

/**
 * `npm start`: the all-in-one stack in one process. Embedded PostgreSQL under STATE_DIR unless DATABASE_URL is set,
 * then migrations, then the control plane. Ctrl-C closes the control plane first, then the database it was using.
 */
let postgres: EmbeddedPostgres | undefined;
let controlPlane: ControlPlane | undefined;
let defaultImage: ReturnType<typeof startDefaultImage> | undefined;
let stopping = 0; // when the first stop signal arrived

async function run(): Promise<void> {
  const config = loadConfig();
  logger.level = config.LOG_LEVEL;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal));

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    postgres = await startEmbeddedPostgres({ dataDir: `${config.stateDir}/postgres` });
    databaseUrl = postgres.url;
  }
  const applied = await migrate(databaseUrl);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  if (stopping) return; // Ctrl-C arrived while the database was starting
  controlPlane = await startControlPlane({ config, databaseUrl });
  if (stopping) return;
  console.log(banner(config, controlPlane));
  // the default guest image `tiny`: built once, then registered in the background (DEFAULT_IMAGE=none skips it)
  defaultImage = startDefaultImage(config, databaseUrl);
}

async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    // npm and tsx relay the terminal's Ctrl-C, which already reached us: a repeat within a second is that echo.
    if (Date.now() - stopping < 1000) return;
    console.error(`\n${signal} again: exiting without waiting`);
    process.exit(130);
  }
  stopping = Date.now();
  console.log(`\n${signal}: stopping Cumulo (press Ctrl-C again to force)`);
  let code = 0;
  for (const [what, close] of [
    ['default image', () => defaultImage?.close()],
    ['control plane', () => controlPlane?.close()],
    ['PostgreSQL', () => postgres?.stop()],
  ] as const) {
    try {
      await close();
    } catch (e) {
      code = 1;
      console.error(`stopping the ${what} failed: ${(e as Error).message}`);
    }
  }
  process.exit(code);
}

function banner(config: Config, cp: ControlPlane): string {
  const identity = `${config.publicUrl}/identity/v3`;
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const database = postgres
    ? `embedded PostgreSQL on 127.0.0.1:${postgres.port} (${postgres.dataDir})`
    : `DATABASE_URL (${redact(config.DATABASE_URL!)})`;
  return [
    '',
    'Cumulo is running.',
    '',
    `  Dashboard         ${cp.url}`,
    `  Identity API      ${identity}`,
    `  Admin user        admin`,
    `  Admin password    ${cp.adminPassword}`,
    `  State directory   ${config.stateDir}`,
    `  Database          ${database}`,
    `  Message bus       ${config.AMQP_URL ? `AMQP_URL (${redact(config.AMQP_URL)})` : 'in-process'}`,
    `  Compute host      ${cp.localCompute ? `${cp.localCompute.agent.host}, ${cp.localCompute.driver} driver: ${cp.localCompute.why}` : 'none (COMPUTE_DRIVER=none: hosts join with `npm run agent -- compute`)'}`,
    '',
    'OpenStack CLI:',
    `  export OS_AUTH_URL=${identity} OS_USERNAME=admin OS_PASSWORD=${quote(cp.adminPassword)} OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3`,
    '  openstack token issue',
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

/** A URL without its password, for printing. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

run().catch(async (e: unknown) => {
  console.error(`Cumulo failed to start: ${e instanceof Error ? e.message : String(e)}`);
  await controlPlane?.close().catch(() => undefined);
  await postgres?.stop().catch(() => undefined);
  process.exit(1);
});
