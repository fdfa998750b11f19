/**
 * Every broker name the bus uses, in one place, so both transports and the test cleanup agree on them.
 * The prefix keeps deployments (and parallel test files) on one broker apart.
 */
export interface BusNames {
  /** Shared queue when no host (workers compete), per-host queue otherwise. */
  queue(topic: string, host?: string): string;
  /** Fanout exchange bound to every per-host queue of a topic. */
  fanout(topic: string): string;
  notifications: string;
  dlq: string;
  /** Durable queue shared by the workers of one notification consumer group (e.g. billing). */
  groupQueue(group: string): string;
  /** Private, auto-deleted queue of one live subscriber (e.g. the socket.io relay). */
  liveQueue(id: string): string;
  replyQueue(id: string): string;
}

export function busNames(prefix: string): BusNames {
  return {
    queue: (topic, host) => (host ? `${prefix}.${topic}.${host}` : `${prefix}.${topic}`),
    fanout: (topic) => `${prefix}.${topic}_fanout`,
    notifications: `${prefix}.notifications`,
    dlq: `${prefix}.dlq`,
    groupQueue: (group) => `${prefix}.notifications.${group}`,
    liveQueue: (id) => `${prefix}.live.${id}`,
    replyQueue: (id) => `${prefix}.reply.${id}`,
  };
}

/** Message headers; the same keys are used by the in-process bus so dead letters look alike on both. */
export const HEADERS = {
  /** Failed deliveries so far. RabbitMQ cannot change headers on requeue, so a retry is a republish with this bumped. */
  attempt: 'x-cumulo-attempt',
  deadReason: 'x-cumulo-dead-reason',
  deadError: 'x-cumulo-dead-error',
  origin: 'x-cumulo-origin-queue',
} as const;

export type DeadReason = 'malformed' | 'invalid-args' | 'version' | 'no-handler' | 'failed';

export const HOST_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const GROUP_RE = /^[a-z][a-z0-9_-]*$/;
