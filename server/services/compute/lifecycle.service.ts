import type { Db, Tx } from '../../db/client';
import { logger } from '../../lib/logger';
import type { QuotaService } from '../../quota/quota.service';
import type { Bus } from '../../rpc/bus';
import type { ClaimsRepository } from './claims.repository';
import type { TInstance } from './instance.dto';
import { resourcesOf } from './instance.dto';
import { publishInstance } from './instance-events';
import type { InstancesRepository } from './instances.repository';
import { isResizeStep, settleResize } from './resize';
import { ACTION_RULES, TASK, VM, type ServerAction } from './states';

const log = logger.child({ c: 'compute-lifecycle' });

/** libvirt/Nova power states the lifecycle needs to tell apart. */
const SHUTDOWN = 4;
const NOSTATE = 0;

export type LifecycleDeps = {
  db: Db;
  repo: InstancesRepository;
  claims: ClaimsRepository;
  quotas: QuotaService;
  bus: Bus;
  /** Build attempts before an instance ends in ERROR (Nova's max_attempts, default 3). */
  maxAttempts: number;
};

/** What an instance takes from its project's quota. */
export const quotaOf = (i: Pick<TInstance, 'flavor'>) => ({ instances: 1, cores: i.flavor.vcpus, ram: i.flavor.ram });

const TX = { maxWait: 10_000, timeout: 20_000 };

/**
 * The transitions hosts and the scheduler cause, each one transaction (state, action event, fault, claim and quota
 * together) followed by its notification. Every method is a compare-and-set on the state it expects, so a late or
 * repeated report finds nothing to do and says so by returning null.
 */
export class InstanceLifecycle {
  constructor(private readonly d: LifecycleDeps) {}

  /**
   * Scheduler: the claim on `host` and the instance's move to it commit together, or neither does. `full`: the host
   * had no room left; `gone`: the instance was deleted or changed meanwhile, so there is nothing to schedule.
   */
  async claimHost(
    instance: TInstance,
    host: string,
    /** Re-checks placement rules that depend on other instances (server groups) under a lock, inside the claim. */
    stillFits?: (tx: Tx) => Promise<boolean>,
  ): Promise<{ claimed: TInstance } | 'full' | 'gone'> {
    const res = resourcesOf(instance.flavor);
    const updated = await this.d.db
      .$transaction(async (tx) => {
        if (stillFits && !(await stillFits(tx))) return null;
        const claimed = await this.d.claims.claim(tx, { instanceId: instance.id, kind: 'instance', host, ...res });
        if (!claimed) return null;
        const moved = await this.d.repo.transition(
          tx,
          instance.id,
          { task: TASK.SCHEDULING, vm: [VM.BUILDING] },
          { host, taskState: TASK.SPAWNING, attempts: instance.attempts + 1 },
        );
        // deleted (or changed) while we scheduled: undo the claim with the transaction
        if (!moved) throw new ClaimAbandoned();
        const actionId = await this.d.repo.latestAction(instance.id, 'create', tx);
        if (actionId) await this.d.repo.startEvent(tx, actionId, 'compute_build_and_run_instance', host);
        return moved;
      }, TX)
      .catch((e: unknown) => {
        if (e instanceof ClaimAbandoned) return 'abandoned' as const;
        throw e;
      });
    if (updated === 'abandoned') return 'gone';
    if (!updated) return 'full';
    await publishInstance(this.d.bus, updated);
    return { claimed: updated };
  }

  /** Scheduler: nowhere to put it. Ends in ERROR with Nova's NoValidHost fault; quota given back. */
  async noValidHost(instanceId: string, reason: string): Promise<TInstance | null> {
    return this.failBuild(instanceId, {
      expectTask: [TASK.SCHEDULING],
      host: null,
      message: `No valid host was found. ${reason}`.trim(),
      code: 500,
    });
  }

  async buildSucceeded(r: { instanceId: string; host: string; powerState: number }): Promise<TInstance | null> {
    const done = await this.d.db.$transaction(async (tx) => {
      const i = await this.d.repo.transition(
        tx,
        r.instanceId,
        { task: TASK.SPAWNING, vm: [VM.BUILDING], host: r.host },
        { vmState: VM.ACTIVE, taskState: null, powerState: r.powerState, launchedAt: new Date() },
      );
      if (!i) return null;
      const actionId = await this.d.repo.latestAction(i.id, 'create', tx);
      if (actionId) await this.d.repo.finishAction(tx, actionId, 'Success');
      return i;
    }, TX);
    await publishInstance(this.d.bus, done);
    return done;
  }

  /**
   * A host failed the build: its claim is released and a fault recorded. Returns the instance back in
   * `scheduling` (the caller casts the scheduler again) or in ERROR after the last attempt.
   */
  async buildFailed(r: {
    instanceId: string;
    host: string;
    error: string;
  }): Promise<{ instance: TInstance; rescheduled: boolean } | null> {
    const current = await this.d.repo.get(r.instanceId);
    if (!current || current.deleted || current.host !== r.host || current.taskState !== TASK.SPAWNING) return null;
    if (current.attempts >= this.d.maxAttempts) {
      const message = `Build of instance ${r.instanceId} failed after ${current.attempts} attempt(s); last error on ${r.host}: ${r.error}`;
      const failed = await this.failBuild(r.instanceId, {
        expectTask: [TASK.SPAWNING],
        host: r.host,
        message,
        code: 500,
      });
      return failed && { instance: failed, rescheduled: false };
    }
    const again = await this.d.db.$transaction(async (tx) => {
      const i = await this.d.repo.transition(
        tx,
        r.instanceId,
        { task: TASK.SPAWNING, vm: [VM.BUILDING], host: r.host },
        { host: null, taskState: TASK.SCHEDULING, triedHosts: [...current.triedHosts, r.host] },
      );
      if (!i) return null;
      await this.d.claims.release(tx, i.id, 'instance');
      await this.d.repo.addFault(tx, {
        instanceId: i.id,
        code: 500,
        message: r.error,
        host: r.host,
        details: 'rescheduled',
      });
      return i;
    }, TX);
    await publishInstance(this.d.bus, again);
    return again && { instance: again, rescheduled: true };
  }

  async actionFinished(r: {
    instanceId: string;
    actionId: string;
    host: string;
    action: ServerAction;
    ok: boolean;
    powerState: number;
    error?: string;
  }): Promise<TInstance | null> {
    const rule = ACTION_RULES[r.action];
    const done = await this.d.db.$transaction(async (tx) => {
      const current = await this.d.repo.get(r.instanceId, tx);
      if (!current) return null;
      const end = r.ok ? this.endState(current, r.action) : { vmState: current.vmState };
      let i = await this.d.repo.transition(
        tx,
        r.instanceId,
        { task: rule.task, host: r.host },
        { ...end, taskState: null, powerState: r.powerState },
      );
      if (!i) return null;
      if (isResizeStep(r.action)) {
        const changes = await settleResize(tx, this.d, current, r.action, r.ok, r.powerState);
        if (Object.keys(changes).length) i = (await this.d.repo.transition(tx, i.id, {}, changes)) ?? i;
      }
      await this.d.repo.finishAction(tx, r.actionId, r.ok ? 'Success' : 'Error', r.error ? { traceback: r.error } : {});
      if (!r.ok)
        await this.d.repo.addFault(tx, {
          instanceId: i.id,
          code: 500,
          message: r.error ?? `${rule.name} failed`,
          host: r.host,
        });
      return i;
    }, TX);
    await publishInstance(this.d.bus, done, r.ok ? null : { code: 500, message: r.error ?? `${rule.name} failed` });
    return done;
  }

  /** The host destroyed the domain (or the instance never reached one): everything it held is given back. */
  /**
   * `local`: deleted by the API without a host's help (it never reached one, or its host is down); the instance must
   * still be where the caller saw it (`host`), else a concurrent placement won and the caller retries.
   */
  async deleted(r: {
    instanceId: string;
    actionId: string | null;
    host: string | null;
    local?: boolean;
  }): Promise<TInstance | null> {
    const done = await this.d.db.$transaction(async (tx) => {
      const before = await this.d.repo.get(r.instanceId, tx);
      if (!before) return null;
      const now = new Date();
      const i = await this.d.repo.transition(
        tx,
        r.instanceId,
        r.local ? { host: r.host } : { task: TASK.DELETING, host: r.host ?? '' },
        {
          vmState: VM.DELETED,
          taskState: null,
          powerState: NOSTATE,
          deleted: true,
          deletedAt: now,
          terminatedAt: now,
          quotaHeld: false,
        },
      );
      if (!i) return null;
      await this.releaseAll(tx, before);
      if (r.actionId) await this.d.repo.finishAction(tx, r.actionId, 'Success');
      return i;
    }, TX);
    await publishInstance(this.d.bus, done);
    return done;
  }

  /**
   * Nova's _sync_power_states: a running instance whose domain the host reports shut off (or missing) was stopped
   * behind our back and becomes SHUTOFF; one reported running while we think it stopped is recorded as running.
   * Instances with a task in progress are left alone: their own result will settle them.
   */
  async syncPowerStates(host: string, domains: { instanceId: string; powerState: number }[]): Promise<number> {
    const reported = new Map(domains.map((d) => [d.instanceId, d.powerState]));
    let changed = 0;
    for (const i of await this.d.repo.onHost(host)) {
      if (i.taskState !== null || i.vmState === VM.BUILDING) continue;
      const power = reported.get(i.id) ?? NOSTATE;
      const stoppedBehindOurBack = i.vmState === VM.ACTIVE && (power === SHUTDOWN || power === NOSTATE);
      if (power === i.powerState && !stoppedBehindOurBack) continue;
      const next = stoppedBehindOurBack ? { vmState: VM.STOPPED, powerState: power } : { powerState: power };
      const updated = await this.d.repo.transition(this.d.db, i.id, { task: null, vm: [i.vmState], host }, next);
      if (updated) {
        changed++;
        if (stoppedBehindOurBack)
          log.info({ instanceId: i.id, host, power }, 'instance stopped outside Cumulo: now SHUTOFF');
        await publishInstance(this.d.bus, updated);
      }
    }
    return changed;
  }

  /**
   * Claims on every host, and the quota when `before` (the instance as read in this transaction, before the
   * compare-and-set that won) still held it. Only one transition can win, so each is given back at most once.
   */
  async releaseAll(tx: Tx, before: TInstance): Promise<void> {
    await this.d.claims.release(tx, before.id, 'instance');
    await this.d.claims.release(tx, before.id, 'migration');
    if (before.quotaHeld) await this.d.quotas.release(tx, before.projectId, quotaOf(before));
  }

  private endState(i: TInstance, action: ServerAction): { vmState: TInstance['vmState'] } {
    const rule = ACTION_RULES[action];
    return { vmState: rule.to === 'keep' ? i.vmState : rule.to };
  }

  private async failBuild(
    instanceId: string,
    f: { expectTask: string[]; host: string | null; message: string; code: number },
  ): Promise<TInstance | null> {
    const failed = await this.d.db.$transaction(async (tx) => {
      const before = await this.d.repo.get(instanceId, tx);
      if (!before) return null;
      const i = await this.d.repo.transition(
        tx,
        instanceId,
        { task: f.expectTask, vm: [VM.BUILDING], ...(f.host !== null && { host: f.host }) },
        { vmState: VM.ERROR, taskState: null, powerState: NOSTATE, host: null, quotaHeld: false },
      );
      if (!i) return null;
      await this.releaseAll(tx, before);
      await this.d.repo.addFault(tx, { instanceId, code: f.code, message: f.message, host: f.host });
      const actionId = await this.d.repo.latestAction(instanceId, 'create', tx);
      if (actionId) await this.d.repo.finishAction(tx, actionId, 'Error', { message: f.message, traceback: f.message });
      return i;
    }, TX);
    await publishInstance(this.d.bus, failed, failed && { code: f.code, message: f.message });
    return failed;
  }
}

class ClaimAbandoned extends Error {}
