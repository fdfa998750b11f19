import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { computeAgentSettings, loadConfig } from '../../server/config/env';
import { logger } from '../../server/lib/logger';
import { createBus } from '../../server/rpc/create-bus';
import { startComputeAgent } from './compute-agent';
import { makeDriver, type DriverKind } from './make-driver';

/**
 * `npm run agent -- compute --host NAME --driver libvirt|test`: one compute host joining a cloud over RabbitMQ
 * (AMQP_URL, BUS_PREFIX as the control plane's). SIGTERM stops taking work, finishes what is in progress, then exits.
 */
async function run(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      host: { type: 'string', default: os.hostname() },
      driver: { type: 'string', default: 'libvirt' },
      zone: { type: 'string' },
      vcpus: { type: 'string' },
      'memory-mb': { type: 'string' },
      'disk-gb': { type: 'string' },
    },
  });
  if (positionals[0] !== 'compute')
    throw new Error('usage: npm run agent -- compute --host NAME --driver libvirt|test');
  if (values.driver !== 'libvirt' && values.driver !== 'test')
    throw new Error(`--driver must be libvirt or test, not ${values.driver}`);
  const config = loadConfig();
  logger.level = config.LOG_LEVEL;
  if (!config.AMQP_URL)
    throw new Error('AMQP_URL must be set: a separate agent process reaches the control plane over RabbitMQ');
  const host = values.host!;
  const stateDir = path.join(config.stateDir, 'compute', host);
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const driver = makeDriver(values.driver as DriverKind, {
    host,
    stateDir,
    vcpus: num(values.vcpus),
    memoryMb: num(values['memory-mb']),
    diskGb: num(values['disk-gb']),
  });
  const bus = createBus({ amqpUrl: config.AMQP_URL, prefix: config.BUS_PREFIX });
  const agent = await startComputeAgent({
    host,
    bus,
    driver,
    stateDir,
    ...computeAgentSettings(config),
    ...(values.zone && { availabilityZone: values.zone }),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // stop consuming and let in-flight handlers finish (their messages are acked only then), then let go of libvirt
    await bus.close();
    await agent.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  console.log(`compute agent ${host} (${driver.name}) is up`);
}

run().catch((e: unknown) => {
  console.error(`compute agent failed to start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
