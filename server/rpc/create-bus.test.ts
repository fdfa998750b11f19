import { describe, expect, it } from 'vitest';
import { AmqpBus } from './amqp-bus';
import { createBus } from './create-bus';
import { MemoryBus } from './memory-bus';

describe('createBus', () => {
  it('uses the in-process bus without an AMQP URL', async () => {
    const bus = createBus({ prefix: 'cumulo' });
    expect(bus).toBeInstanceOf(MemoryBus);
    await bus.close();
  });

  it('uses RabbitMQ when given a URL', async () => {
    // Nothing listens on port 1: the bus is built without blocking, and closes cleanly while still reconnecting.
    const bus = createBus({ prefix: 'cumulo', amqpUrl: 'amqp://127.0.0.1:1' });
    expect(bus).toBeInstanceOf(AmqpBus);
    await bus.close({ drainTimeoutMs: 100 });
  });
});
