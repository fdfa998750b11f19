import { logger } from '../../server/lib/logger';
import type { Bus } from '../../server/rpc/bus';
import type { RpcArgs } from '../../server/rpc/contract';
import type { buildInstance } from '../../server/rpc/contracts/compute/build-instance';
import type { deleteInstance } from '../../server/rpc/contracts/compute/delete-instance';
import type { instanceAction } from '../../server/rpc/contracts/compute/instance-action';
import type { TInstanceSpec } from '../../server/rpc/contracts/compute/instance-spec';
import { actionResult } from '../../server/rpc/contracts/conductor/action-result';
import { buildResult } from '../../server/rpc/contracts/conductor/build-result';
import { instanceDeleted } from '../../server/rpc/contracts/conductor/instance-deleted';
import { type BootSource, type DomainSpec, type HypervisorDriver, POWER_STATE } from './driver';
import type { ImageCache } from './image-cache';

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * What a compute host does for each message it gets (Nova's compute manager): it acts through the driver and casts
 * the outcome to the conductor. Work on one instance is serialised, so a delete that arrives while the build is
 * still running waits for it and then removes the domain, instead of racing it.
 */
export class ComputeManager {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly log;

  constructor(private readonly d: { host: string; bus: Bus; driver: HypervisorDriver; images: ImageCache }) {
    this.log = logger.child({ c: 'compute-manager', host: d.host });
  }

  async build({ spec, attempt }: RpcArgs<typeof buildInstance>): Promise<void> {
    await this.serial(spec.instanceId, async () => {
      const report = (ok: boolean, powerState: number, error?: string) =>
        this.d.bus.cast(buildResult, {
          args: {
            instanceId: spec.instanceId,
            host: this.d.host,
            attempt,
            ok,
            powerState,
            error,
            ...(!ok && { authToken: spec.authToken }),
          },
        });
      try {
        await this.withBoot(spec, (d) => this.d.driver.spawn(d));
      } catch (e) {
        this.log.warn({ instanceId: spec.instanceId, err: messageOf(e) }, 'build failed');
        return report(false, POWER_STATE.NOSTATE, messageOf(e));
      }
      await report(true, await this.d.driver.powerState(spec.instanceId));
    });
  }

  async action({ instanceId, action, actionId, spec }: RpcArgs<typeof instanceAction>): Promise<void> {
    await this.serial(instanceId, async () => {
      const drv = this.d.driver;
      let error: string | undefined;
      try {
        switch (action) {
          case 'start':
            await drv.powerOn(instanceId);
            break;
          case 'stop':
            await drv.powerOff(instanceId, { clean: true });
            break;
          case 'reboot_soft':
          case 'reboot_hard':
            await drv.reboot(instanceId, action === 'reboot_hard');
            break;
          case 'pause':
            await drv.pause(instanceId);
            break;
          case 'unpause':
            await drv.unpause(instanceId);
            break;
          case 'suspend':
            await drv.suspend(instanceId);
            break;
          case 'resume':
            await drv.resume(instanceId);
            break;
          case 'rebuild':
            await this.withBoot(required(spec, action), (d) => drv.rebuild(d));
            break;
          case 'resize':
          case 'revert_resize':
            await this.withBoot(required(spec, action), (d) => drv.resize(d));
            break;
          case 'confirm_resize':
            // resize happens in place: once confirmed there is no source copy left to clean up
            break;
        }
      } catch (e) {
        error = messageOf(e);
        this.log.warn({ instanceId, action, err: error }, 'instance action failed');
      }
      const powerState = await drv.powerState(instanceId).catch(() => POWER_STATE.NOSTATE);
      await this.d.bus.cast(actionResult, {
        args: { instanceId, actionId, host: this.d.host, action, ok: !error, powerState, ...(error && { error }) },
      });
    });
  }

  async delete({ instanceId, actionId }: RpcArgs<typeof deleteInstance>): Promise<void> {
    await this.serial(instanceId, async () => {
      // a failure here throws: the cast is retried, and dead-lettered (the instance stays `deleting`) if it keeps failing
      await this.d.driver.destroy(instanceId);
      await this.d.bus.cast(instanceDeleted, { args: { instanceId, actionId, host: this.d.host } });
    });
  }

  async consoleOutput(instanceId: string, maxBytes?: number): Promise<string> {
    return this.d.driver.consoleLog(instanceId, maxBytes);
  }

  /** Waits for what is running on any instance (SIGTERM drain). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
  }

  /**
   * Fetches the spec's images and runs the driver step on them, holding them in the image cache throughout: a sweep
   * between the download and the domain's define would otherwise take the base from under the new disk.
   */
  private withBoot(spec: TInstanceSpec, step: (d: DomainSpec) => Promise<void>): Promise<void> {
    const ids = [spec.image.id, ...(spec.kernel ? [spec.kernel.id] : []), ...(spec.ramdisk ? [spec.ramdisk.id] : [])];
    return this.d.images.using(ids, async () => step(await this.domainSpec(spec)));
  }

  private async domainSpec(spec: TInstanceSpec): Promise<DomainSpec> {
    return {
      instanceId: spec.instanceId,
      displayName: spec.displayName,
      vcpus: spec.vcpus,
      memoryMb: spec.memoryMb,
      rootGb: spec.rootGb,
      ephemeralGb: spec.ephemeralGb,
      swapMb: spec.swapMb,
      boot: await this.bootSource(spec),
    };
  }

  /** Fetches what the guest boots from into the host's image cache. */
  private async bootSource(spec: TInstanceSpec): Promise<BootSource> {
    const fetch = (ref: NonNullable<TInstanceSpec['kernel']>) => this.d.images.fetch(ref, spec.authToken);
    if (spec.kernel) {
      return {
        kind: 'kernel',
        kernelPath: await fetch(spec.kernel),
        ...(spec.ramdisk && { ramdiskPath: await fetch(spec.ramdisk) }),
        cmdline: spec.cmdline,
      };
    }
    const format = spec.image.diskFormat;
    if (format !== 'qcow2' && format !== 'raw') {
      throw new Error(
        `Image ${spec.image.id} has disk_format ${format}, which cannot be booted as a disk (qcow2 or raw, or an AMI with kernel_id).`,
      );
    }
    return { kind: 'disk', basePath: await fetch(spec.image), baseFormat: format };
  }

  private serial<T>(instanceId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(instanceId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.chains.set(instanceId, settled);
    void settled.then(() => {
      if (this.chains.get(instanceId) === settled) this.chains.delete(instanceId);
    });
    return next;
  }
}

function required(spec: TInstanceSpec | undefined, action: string): TInstanceSpec {
  if (!spec) throw new Error(`${action} needs the instance spec`);
  return spec;
}
