import fs from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { logger } from '../lib/logger';

export type DashboardMode = 'prod' | 'dev' | 'off';

/** The Next.js project: routes in web/app, config re-exported from the root next.config.js. */
export const WEB_DIR = fileURLToPath(new URL('../../web', import.meta.url));
export const isDashboardBuilt = (dir = WEB_DIR) => fs.existsSync(path.join(dir, '.next', 'BUILD_ID'));

const log = logger.child({ c: 'dashboard' });

/**
 * The part of Next's custom-server API used here. Next's own type declarations are not imported on purpose: they
 * augment NodeJS.ProcessEnv globally (NODE_ENV becomes required), which would break typing across the server.
 */
type NextCustomServer = {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close(): Promise<void>;
};
type CreateNextServer = (opts: {
  dir: string;
  dev: boolean;
  hostname?: string;
  port?: number;
  httpServer?: Server;
  quiet?: boolean;
}) => NextCustomServer;
const NEXT_MODULE: string = 'next';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cumulo dashboard not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The dashboard is not built</h1>
<p>This server runs the production dashboard, and no build was found in <code>web/.next</code>. Build it with</p>
<pre>npx next build web</pre>
<p>then restart (<code>npm start</code> does both). The APIs under <code>/identity</code> and <code>/api/trpc</code> work meanwhile.</p>
</body></html>`;

/**
 * Serves the dashboard from this Fastify instance: every request no route claims goes to Next.js (pages, /_next
 * assets, public files). It is Fastify's root not-found handler, in its own scope, so the prefixes' own 404s
 * (/identity answers Keystone-style JSON) and every API route stay untouched.
 *
 * Without a production build (and dev off), it serves a 503 page saying how to build one: the APIs, and the tests
 * that use only them, never need Next.
 */
export async function mountDashboard(
  app: FastifyInstance,
  opts: {
    dev: boolean;
    hostname?: string;
    port?: number;
    /** The Next project; tests point it elsewhere. */ dir?: string;
  },
): Promise<void> {
  const dir = opts.dir ?? WEB_DIR;
  // Next reads this itself, from the environment: a cloud's dashboard does not report to Vercel
  process.env.NEXT_TELEMETRY_DISABLED = '1';

  if (!opts.dev && !isDashboardBuilt(dir)) {
    log.warn(`no dashboard build in ${path.join(dir, '.next')}: run \`npx next build web\``);
    app.setNotFoundHandler((_req, reply) => reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE));
    return;
  }

  // imported here so that processes without a dashboard never load Next
  const { default: next } = (await import(NEXT_MODULE)) as { default: CreateNextServer };
  const nextApp = next({
    dir,
    dev: opts.dev,
    hostname: opts.hostname,
    port: opts.port,
    httpServer: app.server,
    quiet: !opts.dev,
  });
  await nextApp.prepare();
  const handle = nextApp.getRequestHandler();
  app.addHook('onClose', () => nextApp.close());

  const toNext = (req: FastifyRequest, reply: FastifyReply) => {
    // Next writes the response on the raw socket, and reads the body itself (none is parsed before this hook)
    reply.hijack();
    handle(req.raw, reply.raw).catch((err: unknown) => {
      log.error({ err, url: req.url }, 'dashboard request failed');
      if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'text/plain' });
      reply.raw.end('Internal Server Error');
    });
  };

  await app.register(async (scope) => {
    // onRequest runs before body parsing: Next gets the untouched request stream (uploads, server actions)
    scope.addHook('onRequest', async (req, reply) => toNext(req, reply));
    scope.setNotFoundHandler(toNext);
  });
}
