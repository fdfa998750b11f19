import { logger } from '../lib/logger';
import type { Bus } from '../rpc/bus';
import { buildInstance } from '../rpc/contracts/compute/build-instance';
import type { TInstance } from '../services/compute/instance.dto';
import { resourcesOf } from '../services/compute/instance.dto';
import { instanceSpecOf } from '../services/compute/instance-spec';
import type { InstancesRepository } from '../services/compute/instances.repository';
import type { InstanceLifecycle } from '../services/compute/lifecycle.service';
import { TASK, VM } from '../services/compute/states';
import type { TImage } from '../services/image/image.dto';
import type { ImageRepository } from '../services/image/image.repository';
import type { Tx } from '../db/client';
import { serverGroupFilter } from './filters/server-group.filter';
import type { HostState, RequestSpec } from './host-state';
import { selectDestinations } from './select-destinations';

const log = logger.child({ c: 'scheduler' });

export type SchedulerDeps = {
  bus: Bus;
  instances: InstancesRepository;
  lifecycle: InstanceLifecycle;
  images: ImageRepository;
  /** Every compute host with whether its service is up. */
  hosts: () => Promise<HostState[]>;
  /** Base URL agents download images from (the image API as the catalog lists it). */
  imageUrl: string;
  /** > 0 spreads instances by free RAM (default), < 0 packs them. */
  ramMultiplier: number;
};

export const NO_VALID_HOST = 'There are not enough hosts available.';

/**
 * Places one building instance: filter and weigh the hosts, claim on the best one that still has room (another
 * scheduler may have taken it meanwhile: then the next), then cast the build to that host. A redelivered message
 * for an instance already placed re-sends its build, which the host handles idempotently.
 */
export class Scheduler {
  constructor(private readonly d: SchedulerDeps) {}

  async schedule(instanceId: string, authToken: string): Promise<void> {
    const i = await this.d.instances.get(instanceId);
    if (!i || i.deleted || i.vmState !== VM.BUILDING) return;
    if (i.taskState === TASK.SPAWNING && i.host) return this.castBuild(i, authToken);
    if (i.taskState !== TASK.SCHEDULING) return;

    const image = await this.d.images.get(i.imageId);
    const req = await this.requestSpec(i, image);
    const { hosts, rejected } = selectDestinations(await this.d.hosts(), req, { ramMultiplier: this.d.ramMultiplier });
    // members of one group booted together are scheduled concurrently: each claim re-checks the group's rule
    // under the group's row lock, against the members placed by then
    const groupId = i.serverGroupId;
    const stillFits =
      groupId && req.group
        ? (h: HostState) => async (tx: Tx) => {
            await this.d.instances.lockGroup(tx, groupId);
            const placed = {
              ...req,
              group: { ...req.group!, hosts: await this.d.instances.hostsOfGroup(groupId, i.id, tx) },
            };
            return serverGroupFilter.passes(h, placed);
          }
        : undefined;
    for (const h of hosts) {
      const r = await this.d.lifecycle.claimHost(i, h.host, stillFits?.(h));
      if (r === 'gone') return;
      if (r !== 'full') return this.castBuild(r.claimed, authToken, image);
    }
    log.info({ instanceId, rejected }, 'no valid host');
    await this.d.lifecycle.noValidHost(instanceId, NO_VALID_HOST);
  }

  private async requestSpec(i: TInstance, image: TImage | null): Promise<RequestSpec> {
    const group = i.serverGroupId ? await this.d.instances.serverGroup(i.serverGroupId) : null;
    const rules = (group?.rules ?? {}) as { max_server_per_host?: number };
    return {
      instanceId: i.id,
      ...resourcesOf(i.flavor),
      availabilityZone: i.availabilityZone,
      imageProperties: image?.properties ?? {},
      triedHosts: i.triedHosts,
      group: group && {
        policy: group.policy,
        hosts: await this.d.instances.hostsOfGroup(group.id, i.id),
        ...(rules.max_server_per_host && { maxServerPerHost: rules.max_server_per_host }),
      },
    };
  }

  private async castBuild(i: TInstance, authToken: string, known?: TImage | null): Promise<void> {
    const image = known ?? (await this.d.images.get(i.imageId));
    if (!image) {
      await this.d.lifecycle.buildFailed({
        instanceId: i.id,
        host: i.host!,
        error: `Image ${i.imageId} could not be found.`,
      });
      return;
    }
    const spec = await instanceSpecOf(i, image, { images: this.d.images, imageUrl: this.d.imageUrl, authToken });
    await this.d.bus.cast(buildInstance, { host: i.host!, args: { spec, attempt: i.attempts } });
  }
}
