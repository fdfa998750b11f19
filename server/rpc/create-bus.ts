import type { Bus, BusOptions } from './bus';
import { AmqpBus, type AmqpBusOptions } from './amqp-bus';
import { MemoryBus } from './memory-bus';

export interface CreateBusOptions extends BusOptions, Partial<Omit<AmqpBusOptions, keyof BusOptions | 'url'>> {
  /** Unset: the in-process bus, which only reaches code running in this same process. */
  amqpUrl?: string;
}

/** The one place that picks the transport; everything else sees `Bus`. */
export function createBus({ amqpUrl, ...opts }: CreateBusOptions): Bus {
  return amqpUrl ? new AmqpBus({ ...opts, url: amqpUrl }) : new MemoryBus(opts);
}
