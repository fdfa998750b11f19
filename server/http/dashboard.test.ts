import os from 'node:os';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { mountDashboard } from './dashboard';

describe('mountDashboard without a build', () => {
  it('answers unclaimed paths with a 503 page that says how to build, and leaves routes alone', async () => {
    const app = Fastify();
    app.get('/api/ping', async () => ({ ok: true }));
    await mountDashboard(app, { dev: false, dir: os.tmpdir() });
    const page = await app.inject({ method: 'GET', url: '/admin/users' });
    expect(page.statusCode).toBe(503);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('npx next build web');
    expect((await app.inject({ method: 'GET', url: '/api/ping' })).json()).toEqual({ ok: true });
    await app.close();
  });
});
