import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/env';
import { createDb } from '../../server/db/client';
import { adminContext, buildTinyImage, ensureDefaultImage } from '../../server/services/image/default-image';
import { createImages } from '../../server/services/image/image.module';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process';
import { deletePrefixTopology, TEST_AMQP_URL, testBusPrefix } from '../helpers/bus';
import { computeClient } from '../helpers/compute-client';
import { onFileEnd } from '../helpers/file-cleanup';
import { identityClient, waitUntil, type Actor } from '../helpers/identity-client';
import { waitForGone, waitForStatus } from '../helpers/server-fixtures';
import { startTestStack, type RunningTestStack } from '../helpers/stack';

/** Shared with the other tiny-guest tests: the build script caches (and locks) it. */
const CACHE = path.join(os.tmpdir(), 'cumulo-tiny-image-cache');
const LIBVIRT_UP = path.resolve(import.meta.dirname, '../../scripts/libvirt-up.sh');
const BANNER = /Cumulo tiny guest \S+ booted/;

const libvirt = spawnSync('bash', [LIBVIRT_UP], { encoding: 'utf8', timeout: 300_000 });
const unavailable = libvirt.status !== 0 ? (libvirt.stderr.trim().split('\n').at(-1) ?? 'libvirt-up.sh failed') : null;
if (unavailable) console.warn(`server-lifecycle.vm: skipped, libvirtd is not available: ${unavailable}`);

const virsh = (...args: string[]) => spawnSync('virsh', ['-c', 'qemu:///system', ...args], { encoding: 'utf8' });

/**
 * A real VM through the whole cloud: `server create` of the default `tiny` image → scheduler → a compute agent
 * process on qemu:///system (TCG) over RabbitMQ → ACTIVE, its console shows the guest's boot banner; the agent
 * restarts and still knows it; a VM stopped behind the cloud's back becomes SHUTOFF; delete leaves no domain, no disk.
 */
describe.skipIf(unavailable !== null)('a real tiny VM through the API', () => {
  const prefix = testBusPrefix();
  const host = `vm-${prefix.slice(2, 8)}`;
  let stack: RunningTestStack;
  let nova: ReturnType<typeof computeClient>;
  let alice: Actor;
  let tinyId: string;
  let agent: AgentProcess;
  const agentEnv = () => ({
    AMQP_URL: TEST_AMQP_URL,
    BUS_PREFIX: prefix,
    STATE_DIR: stack.stateDir,
    COMPUTE_HEARTBEAT_SECONDS: '2',
  });

  beforeAll(async () => {
    // registered first, so it runs last: after the agent and the stack have let go of their queues
    onFileEnd(() => deletePrefixTopology(prefix));
    await buildTinyImage(CACHE, 180_000);
    stack = await startTestStack({ AMQP_URL: TEST_AMQP_URL, BUS_PREFIX: prefix, COMPUTE_SERVICE_DOWN_SECONDS: '10' });
    const db = createDb(stack.databaseUrl, { poolSize: 2 });
    onFileEnd(() => db.$disconnect());
    const images = createImages(db, loadConfig({ STATE_DIR: stack.stateDir, NODE_ENV: 'test' }));
    tinyId = (await ensureDefaultImage(images, { ctx: await adminContext(db), cacheDir: CACHE })).image.id;
    nova = computeClient(stack);
    const keystone = identityClient(stack);
    ({ alice } = await keystone.twoProjects());
    agent = await startAgentProcess({ host, driver: 'libvirt', env: agentEnv() });
  }, 300_000);

  const consoleText = async (id: string) =>
    (await nova.call('POST', `/servers/${id}/action`, { token: alice.token, body: { 'os-getConsoleOutput': {} } })).body
      ?.output ?? '';

  it('boots tiny to ACTIVE with its banner on the console, survives an agent restart, and deletes leaving nothing', async () => {
    const started = Date.now();
    const r = await nova.call('POST', '/servers', {
      token: alice.token,
      body: { server: { name: 'tiny-vm', imageRef: tinyId, flavorRef: '42', networks: 'none' } },
    });
    expect(r.status, r.text).toBe(202);
    const id = r.body.server.id as string;
    await waitForStatus(nova, alice.token, id, 'ACTIVE', 120_000);
    const active = Date.now() - started;
    await waitUntil('the boot banner on the console', async () => BANNER.test(await consoleText(id)), 120_000, 500);
    console.log(
      `tiny VM through the API: ACTIVE after ${(active / 1000).toFixed(1)} s, banner after ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(virsh('domstate', id).stdout.trim()).toBe('running');

    // a graceful restart of the agent: the domain lives on in libvirtd and the cloud still shows it ACTIVE
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    agent = await startAgentProcess({ host, driver: 'libvirt', env: agentEnv() });
    expect((await waitForStatus(nova, alice.token, id, 'ACTIVE'))['OS-EXT-STS:power_state']).toBe(1);
    expect(await consoleText(id)).toMatch(BANNER);

    // stopped behind the cloud's back: the power sync makes it SHUTOFF, and start brings it back
    execFileSync('virsh', ['-c', 'qemu:///system', 'destroy', id], { stdio: 'ignore' });
    expect((await waitForStatus(nova, alice.token, id, 'SHUTOFF', 30_000))['OS-EXT-STS:power_state']).toBe(4);
    await nova.expectCall(202, 'POST', `/servers/${id}/action`, { token: alice.token, body: { 'os-start': null } });
    await waitForStatus(nova, alice.token, id, 'ACTIVE', 60_000);

    const instanceDir = path.join(stack.stateDir, 'compute', host, 'instances', id);
    expect(fs.existsSync(instanceDir)).toBe(true);
    await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
    await waitForGone(nova, alice.token, id, 60_000);
    expect(virsh('dominfo', id).status).not.toBe(0);
    expect(fs.existsSync(instanceDir)).toBe(false);
  }, 400_000);
});
