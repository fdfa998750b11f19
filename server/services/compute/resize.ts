import type { Tx } from '../../db/client';
import { AppError } from '../../lib/errors';
import type { QuotaService } from '../../quota/quota.service';
import type { ClaimsRepository } from './claims.repository';
import type { TFlavor } from './flavor.dto';
import { resourcesOf, type TInstance, type TInstanceFlavor } from './instance.dto';
import type { InstanceChanges } from './instances.repository';
import { VM, type ServerAction } from './states';

/**
 * Resize, in place on the instance's host (Nova's allow_resize_to_same_host): while it waits for confirm or revert
 * the instance holds both sizes — its own claim and a `migration` claim for the new flavor — and the quota of the
 * larger one, so a revert can never find the room or the quota gone. Confirm keeps the new size, revert the old.
 */

const RUNNING = 1;

export const asInstanceFlavor = (f: TFlavor): TInstanceFlavor => ({
  id: f.id,
  name: f.name,
  vcpus: f.vcpus,
  ram: f.ramMb,
  disk: f.diskGb,
  ephemeral: f.ephemeralGb,
  swap: f.swapMb,
  extraSpecs: f.extraSpecs,
});

/** What the new flavor adds to the quota (negative parts mean it is smaller). */
const quotaDelta = (from: TInstanceFlavor, to: TInstanceFlavor) => ({
  cores: to.vcpus - from.vcpus,
  ram: to.ram - from.ram,
});
const positive = (q: Record<string, number>) => Object.fromEntries(Object.entries(q).filter(([, v]) => v > 0));

export function assertResizable(i: TInstance, to: TInstanceFlavor): void {
  if (to.id === i.flavor.id) throw new AppError('BadRequest', 'When resizing, instances must change flavor!');
  if (to.disk < i.flavor.disk) {
    throw new AppError(
      'BadRequest',
      `Resize error: Unable to resize disk down (flavor ${to.name} has ${to.disk} GiB, the server ${i.flavor.disk} GiB).`,
    );
  }
}

/** In the API's transaction that starts the resize: the new size's claim on the same host and its extra quota. */
export async function reserveResize(
  tx: Tx,
  d: { claims: ClaimsRepository; quotas: QuotaService },
  i: TInstance,
  to: TInstanceFlavor,
) {
  const claimed = await d.claims.claim(tx, { instanceId: i.id, kind: 'migration', host: i.host!, ...resourcesOf(to) });
  if (!claimed)
    throw new AppError('BadRequest', `No valid host was found. Host ${i.host} has no room for flavor ${to.name}.`);
  const more = positive(quotaDelta(i.flavor, to));
  if (Object.keys(more).length) await d.quotas.reserve(tx, i.projectId, more);
}

/**
 * Once the host reported on a resize step (the transition already won): the changes to write and the claims and
 * quota to settle, in the same transaction.
 */
export async function settleResize(
  tx: Tx,
  d: { claims: ClaimsRepository; quotas: QuotaService },
  before: TInstance,
  action: ServerAction,
  ok: boolean,
  powerState: number,
): Promise<InstanceChanges> {
  const old = before.oldFlavor ?? before.flavor;
  const next = before.newFlavor ?? before.flavor;
  const settledVm = powerState === RUNNING ? VM.ACTIVE : VM.STOPPED;
  const giveBackExtra = async () => {
    const more = positive(quotaDelta(old, next));
    if (Object.keys(more).length) await d.quotas.release(tx, before.projectId, more);
  };
  if (action === 'resize') {
    if (ok) return { vmState: VM.RESIZED, flavor: next };
    await d.claims.release(tx, before.id, 'migration');
    await giveBackExtra();
    return { oldFlavor: null, newFlavor: null };
  }
  if (action === 'confirm_resize' && ok) {
    await d.claims.release(tx, before.id, 'instance');
    await d.claims.promoteMigration(tx, before.id);
    // the old size's quota beyond the new one is no longer needed
    const less = positive(quotaDelta(next, old));
    if (Object.keys(less).length) await d.quotas.release(tx, before.projectId, less);
    return { vmState: settledVm, oldFlavor: null, newFlavor: null };
  }
  if (action === 'revert_resize' && ok) {
    await d.claims.release(tx, before.id, 'migration');
    await giveBackExtra();
    return { vmState: settledVm, flavor: old, oldFlavor: null, newFlavor: null };
  }
  return {};
}

export const isResizeStep = (a: ServerAction) => a === 'resize' || a === 'confirm_resize' || a === 'revert_resize';
