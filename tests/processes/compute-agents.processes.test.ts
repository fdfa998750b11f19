import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process';
import { deletePrefixTopology, TEST_AMQP_URL, testBusPrefix } from '../helpers/bus';
import { computeClient } from '../helpers/compute-client';
import { onFileEnd } from '../helpers/file-cleanup';
import { startGateProxy } from '../helpers/gate-proxy';
import { identityClient, waitUntil, type Actor } from '../helpers/identity-client';
import { uploadImage, waitForGone, waitForStatus } from '../helpers/server-fixtures';
import { startTestStack, type RunningTestStack } from '../helpers/stack';

/**
 * Compute across real process boundaries: the control plane and each compute agent are separate processes talking
 * over the machine's RabbitMQ, with PostgreSQL behind the control plane. Hosts run libvirt's test hypervisor.
 * Image downloads go through a proxy that can hold them, to catch a host in the middle of a build.
 */
describe('compute agents as processes on RabbitMQ', () => {
  const prefix = testBusPrefix();
  const DOWN_SECONDS = 4;
  let stack: RunningTestStack;
  let nova: ReturnType<typeof computeClient>;
  let adminToken: string;
  let alice: Actor;
  let imageId: string;
  let proxy: Awaited<ReturnType<typeof startGateProxy>>;
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-agents-'));
  const agentEnv = { AMQP_URL: TEST_AMQP_URL, BUS_PREFIX: prefix, STATE_DIR: stateDir, COMPUTE_HEARTBEAT_SECONDS: '1' };
  const agent = (host: string) => startAgentProcess({ host, driver: 'test', env: agentEnv });

  beforeAll(async () => {
    // registered first, so it runs last: after the agents and the stack have let go of their queues
    onFileEnd(() => deletePrefixTopology(prefix));
    proxy = await startGateProxy(
      (req) => req.method === 'GET' && /\/image\/v2\/images\/[^/]+\/file$/.test(req.url ?? ''),
    );
    stack = await startTestStack({
      AMQP_URL: TEST_AMQP_URL,
      BUS_PREFIX: prefix,
      PUBLIC_URL: proxy.url,
      COMPUTE_SERVICE_DOWN_SECONDS: String(DOWN_SECONDS),
    });
    proxy.setTarget(stack.url);
    nova = computeClient(stack);
    const keystone = identityClient(stack);
    adminToken = await keystone.admin();
    ({ alice } = await keystone.twoProjects());
    imageId = (await uploadImage(stack, adminToken, { visibility: 'public' })).id;
    onFileEnd(() => fs.rmSync(stateDir, { recursive: true, force: true }));
  });

  const boot = async (name: string, image = imageId) => {
    const r = await nova.call('POST', '/servers', {
      token: alice.token,
      body: { server: { name, imageRef: image, flavorRef: '42', networks: 'none' } },
    });
    expect(r.status, r.text).toBe(202);
    return r.body.server.id as string;
  };
  const adminShow = async (id: string) => (await nova.call('GET', `/servers/${id}`, { token: adminToken })).body.server;
  const hostUp = (host: string, up: boolean) =>
    waitUntil(
      `${host} ${up ? 'up' : 'down'}`,
      async () => {
        const r = await nova.call('GET', '/os-services', { token: adminToken, version: '2.53' });
        return r.body.services.some(
          (s: { host: string; state: string }) => s.host === host && s.state === (up ? 'up' : 'down'),
        );
      },
      20_000,
      200,
    );
  const kill = async (a: AgentProcess) => {
    a.child.kill('SIGKILL');
    await a.exited;
  };

  it('builds a server through API, scheduler, agent process and conductor, and deletes it leaving nothing', async () => {
    const h1 = await agent('proc-1');
    await hostUp('proc-1', true);
    const id = await boot('through-rabbit');
    await waitForStatus(nova, alice.token, id, 'ACTIVE');
    expect((await adminShow(id))['OS-EXT-SRV-ATTR:host']).toBe('proc-1');
    const console = await nova.call('POST', `/servers/${id}/action`, {
      token: alice.token,
      body: { 'os-getConsoleOutput': {} },
    });
    expect(console.body.output).toContain(id);
    await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
    await waitForGone(nova, alice.token, id);
    const hv = await nova.call('GET', '/os-hypervisors/detail', { token: adminToken, version: '2.53' });
    expect(
      hv.body.hypervisors.find((h: { hypervisor_hostname: string }) => h.hypervisor_hostname === 'proc-1'),
    ).toMatchObject({
      running_vms: 0,
      memory_mb_used: 0,
    });
    await kill(h1);
  }, 90_000);

  it('finishes a build whose agent was killed in the middle of it, once the agent is back (the build is redelivered)', async () => {
    let h1 = await agent('proc-1');
    await hostUp('proc-1', true);
    // an image this host has not cached yet, so the build must download it
    const fresh = (await uploadImage(stack, adminToken, { visibility: 'public' })).id;
    proxy.hold();
    const id = await boot('interrupted', fresh);
    await waitUntil('the host to be downloading the image', async () => proxy.held() > 0, 20_000, 50);
    expect(await adminShow(id)).toMatchObject({ status: 'BUILD', 'OS-EXT-STS:task_state': 'spawning' });
    await kill(h1);
    proxy.release();
    h1 = await agent('proc-1');
    await waitForStatus(nova, alice.token, id, 'ACTIVE', 30_000);
    const hv = await nova.call('GET', '/os-hypervisors/detail', { token: adminToken, version: '2.53' });
    expect(
      hv.body.hypervisors.find((h: { hypervisor_hostname: string }) => h.hypervisor_hostname === 'proc-1').running_vms,
    ).toBe(1);
    await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
    await waitForGone(nova, alice.token, id);
    await kill(h1);
  }, 90_000);

  it('ends a build in ERROR when its agent dies and does not come back: nothing stays in BUILD, the quota is given back', async () => {
    const h2 = await agent('proc-2');
    await hostUp('proc-2', true);
    await hostUp('proc-1', false);
    proxy.hold();
    const id = await boot('orphaned', (await uploadImage(stack, adminToken, { visibility: 'public' })).id);
    await waitUntil('the host to be downloading the image', async () => proxy.held() > 0, 20_000, 50);
    await kill(h2);
    const failed = await waitForStatus(nova, alice.token, id, 'ERROR', (DOWN_SECONDS + 15) * 1000);
    expect(failed.fault.message).toMatch(/Compute host proc-2 stopped responding during the build/);
    const limits = await nova.call('GET', '/limits', { token: alice.token });
    expect(limits.body.limits.absolute.totalInstancesUsed).toBe(0);
    proxy.release();
    // an ERROR server deletes at once: its host is gone
    await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
    await waitForGone(nova, alice.token, id);
  }, 90_000);
});
