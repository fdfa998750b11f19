import os from 'node:os';
import path from 'node:path';
import { startComputeAgent, type ComputeAgent } from '../agents/compute/compute-agent';
import { detectDriver, makeDriver, type DriverKind } from '../agents/compute/make-driver';
import { computeAgentSettings, type Config } from './config/env';
import type { Bus } from './rpc/bus';

export type LocalCompute = { agent: ComputeAgent; driver: DriverKind; why: string };

/**
 * The all-in-one stack's own compute host: the same agent a multi-node deployment runs with `npm run agent`, here in
 * the controller's process so the in-process bus reaches it. COMPUTE_DRIVER picks the hypervisor; unset, the real
 * one when this machine can run it. Returns null when the stack runs no local host.
 */
export async function startLocalCompute(config: Config, bus: Bus): Promise<LocalCompute | null> {
  const wanted = config.COMPUTE_DRIVER ?? (config.NODE_ENV === 'test' ? 'none' : undefined);
  if (wanted === 'none') return null;
  const { kind, why } = wanted ? { kind: wanted, why: `COMPUTE_DRIVER=${wanted}` } : await detectDriver();
  const host = config.COMPUTE_HOST ?? os.hostname();
  const stateDir = path.join(config.stateDir, 'compute', host);
  const driver = makeDriver(kind, { host, stateDir });
  const agent = await startComputeAgent({ host, bus, driver, stateDir, ...computeAgentSettings(config) });
  return { agent, driver: kind, why };
}
