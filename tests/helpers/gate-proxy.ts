import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onFileEnd } from './file-cleanup';

/**
 * A loopback HTTP proxy in front of a stack that can hold back chosen requests until released: a real network
 * path that is merely slow, so a test can catch a compute host in the middle of downloading an image. Everything
 * else passes straight through.
 */
export async function startGateProxy(matches: (req: http.IncomingMessage) => boolean) {
  let target = '';
  let gate: Promise<void> | null = null;
  let open = () => {};
  let held = 0;
  const server = http.createServer(async (req, res) => {
    if (gate && matches(req)) {
      held++;
      await gate;
      if (req.socket.destroyed) return; // the client went away while held
    }
    const url = new URL(req.url ?? '/', target);
    const out = http.request(url, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    // a client that went away (a killed agent) must not leave the upstream response stalled: the stack would
    // wait for it when it shuts down
    res.on('close', () => out.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onFileEnd(() => {
    open();
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setTarget: (t: string) => void (target = t),
    /** From now on, matching requests wait until release(). */
    hold() {
      gate = new Promise<void>((resolve) => (open = resolve));
      held = 0;
    },
    release() {
      gate = null;
      open();
    },
    /** How many matching requests are waiting (or waited) since hold(). */
    held: () => held,
  };
}
