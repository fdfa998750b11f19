import { amqpHarness } from './amqp-bus.harness';
import { describeBusContract } from './bus.contract';

// Quorum queues are what a RabbitMQ cluster should use; the same semantics must hold on them.
describeBusContract('amqp (RabbitMQ, quorum queues)', () => amqpHarness({ queueType: 'quorum' }));
