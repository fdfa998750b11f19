import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResponse, runLoad } from './loadgen';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('parseResponse', () => {
  it('waits for the whole body named by Content-Length', () => {
    const full = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
    expect(parseResponse(b(full.slice(0, -2)), false, false)).toBeNull();
    expect(parseResponse(b(full + 'HTTP/1.1'), false, false)).toEqual({
      status: 200,
      close: false,
      consumed: full.length,
    });
  });

  it('reads chunked bodies, with and without trailers', () => {
    const chunked =
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n';
    expect(parseResponse(b(chunked), false, false)).toEqual({ status: 201, close: true, consumed: chunked.length });
    expect(parseResponse(b(chunked.slice(0, -4)), false, false)).toBeNull();
    const trailers = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n';
    expect(parseResponse(b(trailers), false, false)?.consumed).toBe(trailers.length);
  });

  it('has no body for HEAD, 204 and 304, and reads to the end when nothing says its length', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n';
    expect(parseResponse(b(head), false, true)?.consumed).toBe(head.length);
    expect(parseResponse(b('HTTP/1.1 204 No Content\r\n\r\n'), false, false)?.status).toBe(204);
    const open = 'HTTP/1.1 200 OK\r\n\r\nbody until close';
    expect(parseResponse(b(open), false, false)).toBeNull();
    expect(parseResponse(b(open), true, false)).toEqual({ status: 200, close: true, consumed: open.length });
  });

  it('refuses what is not HTTP', () => {
    expect(() => parseResponse(b('SSH-2.0-OpenSSH\r\n\r\n'), false, false)).toThrow(/malformed/);
  });
});

describe('runLoad', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.writeHead(req.url === '/teapot' ? 418 : 200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

  const spec = (extra: object) => ({
    id: 1,
    host: '127.0.0.1',
    method: 'GET' as const,
    path: '/',
    headers: {},
    expectStatus: 200,
    concurrency: 4,
    warmupMs: 100,
    durationMs: 300,
    ...extra,
  });

  it('counts the measured window, over keep-alive and over a connection per request', async () => {
    for (const fresh of [false, true]) {
      const r = await runLoad({ ...spec({ fresh }), port });
      expect(r.errors).toBe(0);
      expect(r.completed).toBeGreaterThan(10);
      expect(r.rps).toBeCloseTo(r.completed / 0.3, 5);
      expect(r.p50).toBeLessThanOrEqual(r.p99);
    }
  });

  it('counts unexpected statuses and refused connections as errors', async () => {
    const teapot = await runLoad({ ...spec({ path: '/teapot' }), port });
    expect(teapot.errors).toBe(teapot.completed);
    expect(teapot.errorSamples).toEqual(['HTTP 418']);
    const closed = await runLoad({ ...spec({ concurrency: 1 }), port: 1 });
    expect(closed.errors).toBeGreaterThan(0);
    expect(closed.rps).toBe(0);
  });
});
