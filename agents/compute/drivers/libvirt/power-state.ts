/** libvirt's domain states as the power states the compute manager records. */
import { POWER_STATE, type PowerState } from '../../driver';
import { exists } from './instance-files';
import { DomainState } from './libvirt-connection';

/** virDomainState → power state, as nova/virt/libvirt/guest.py maps it. */
const POWER_OF: Record<DomainState, PowerState> = {
  [DomainState.NOSTATE]: POWER_STATE.NOSTATE,
  [DomainState.RUNNING]: POWER_STATE.RUNNING,
  [DomainState.BLOCKED]: POWER_STATE.RUNNING,
  [DomainState.PAUSED]: POWER_STATE.PAUSED,
  [DomainState.SHUTDOWN]: POWER_STATE.SHUTDOWN,
  [DomainState.SHUTOFF]: POWER_STATE.SHUTDOWN,
  [DomainState.CRASHED]: POWER_STATE.CRASHED,
  [DomainState.PMSUSPENDED]: POWER_STATE.SUSPENDED,
};

/** The power state of a domain in `state`; a shut-off domain whose memory image is kept is a suspended one. */
export async function powerStateOf(state: DomainState, memorySave: string): Promise<PowerState> {
  const power = POWER_OF[state] ?? POWER_STATE.NOSTATE;
  if (power !== POWER_STATE.SHUTDOWN) return power;
  return (await exists(memorySave)) ? POWER_STATE.SUSPENDED : power;
}

const LABEL = Object.fromEntries(Object.entries(POWER_STATE).map(([k, v]) => [v, k.toLowerCase()]));

/** "running", "shutdown"…: for messages. */
export const powerStateLabel = (state: PowerState): string => LABEL[state] ?? String(state);
