import { connect, type AmqpConnectionManager } from 'amqp-connection-manager';
import { logger } from '../lib/logger';
import { withTimeout } from './inflight';

const log = logger.child({ c: 'bus' });

export interface AmqpConnectionOptions {
  url: string;
  /** Only for log lines. */
  prefix: string;
  /** Heartbeats detect a dead broker on a silent socket. Default 5 s. */
  heartbeatSeconds?: number;
  /** Pause between reconnect attempts. Default 1 s: a restarted broker is back in use within a second. */
  reconnectSeconds?: number;
}

/** One connection per bus, reconnecting forever until closed; every channel of the bus lives on it. */
export class AmqpConnection {
  readonly manager: AmqpConnectionManager;
  /** Connection events, for health checks and the broker-restart test. */
  readonly stats = { connects: 0, disconnects: 0 };
  private closed = false;
  private reconnectQueued = false;

  constructor(opts: AmqpConnectionOptions) {
    this.manager = connect([opts.url], {
      heartbeatIntervalInSeconds: opts.heartbeatSeconds ?? 5,
      reconnectTimeInSeconds: opts.reconnectSeconds ?? 1,
      connectionOptions: { timeout: 5_000 },
    });
    const prefix = opts.prefix;
    this.manager.on('connect', () => {
      this.stats.connects++;
      if (this.stats.connects > 1) log.info({ prefix }, 'reconnected to the broker');
    });
    this.manager.on('disconnect', ({ err }) => {
      this.stats.disconnects++;
      if (!this.closed) log.warn({ prefix, err: err?.message }, 'lost the broker, reconnecting');
    });
    this.manager.on('connectFailed', ({ err }) => log.debug({ prefix, err: err.message }, 'broker connect failed'));
  }

  get connected(): boolean {
    return this.manager.isConnected();
  }

  /**
   * A channel the broker closed (see watchChannel) only comes back with a new connection, so force one; every
   * channel then re-runs its declarations. Several channel errors at once cause one reconnect.
   */
  readonly onChannelError = (err: Error, name: string): void => {
    log.error({ channel: name, err: err.message }, 'broker closed a channel; reconnecting to recover it');
    if (this.closed || this.reconnectQueued) return;
    this.reconnectQueued = true;
    setTimeout(() => {
      this.reconnectQueued = false;
      if (!this.closed) this.manager.reconnect();
    }, 100).unref();
  };

  /** Stops reconnecting from now on; call before closing channels so their closes are not mistaken for errors. */
  markClosing(): void {
    this.closed = true;
  }

  async close(timeoutMs: number): Promise<void> {
    this.closed = true;
    await withTimeout(this.manager.close(), timeoutMs, 'close connection').catch(() => undefined);
  }
}
