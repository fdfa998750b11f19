/**
 * Which vm_states each action may start from. A copy of the `from` lists of ACTION_RULES in
 * server/services/compute/states.ts (the source of truth: the service refuses anything else with a 409); the web may
 * not import services, so instance-actions.test.ts compares the two and fails when they drift.
 */
export const ALLOWED_FROM = {
  start: ['stopped'],
  stop: ['active', 'error'],
  reboot_soft: ['active'],
  reboot_hard: ['active', 'stopped', 'paused', 'suspended', 'error'],
  pause: ['active'],
  unpause: ['paused'],
  suspend: ['active'],
  resume: ['suspended'],
  rebuild: ['active', 'stopped', 'error'],
  resize: ['active', 'stopped'],
  confirm_resize: ['resized'],
  revert_resize: ['resized'],
} as const satisfies Record<string, readonly string[]>;

export type InstanceAction = keyof typeof ALLOWED_FROM;

/** The actions that run at one click; rebuild and resize open a dialog first, confirm and revert show in VERIFY_RESIZE. */
export const POWER_ACTIONS = [
  'start',
  'stop',
  'reboot_soft',
  'reboot_hard',
  'pause',
  'unpause',
  'suspend',
  'resume',
] as const satisfies readonly InstanceAction[];

/**
 * Where metadata may change: a copy of METADATA_CHANGEABLE_FROM in server/services/compute/server-metadata.service.ts
 * (tested, as ALLOWED_FROM is); no task may be running either.
 */
export const METADATA_FROM = ['active', 'paused', 'suspended', 'stopped'] as const;

export const ACTION_LABELS: Record<InstanceAction, string> = {
  start: 'Start',
  stop: 'Stop',
  reboot_soft: 'Reboot',
  reboot_hard: 'Hard reboot',
  pause: 'Pause',
  unpause: 'Unpause',
  suspend: 'Suspend',
  resume: 'Resume',
  rebuild: 'Rebuild',
  resize: 'Resize',
  confirm_resize: 'Confirm resize',
  revert_resize: 'Revert resize',
};

/** The status a person knows each vm_state by (Nova's `status` without a task). */
const VM_STATUS: Record<string, string> = {
  building: 'BUILD',
  active: 'ACTIVE',
  stopped: 'SHUTOFF',
  paused: 'PAUSED',
  suspended: 'SUSPENDED',
  resized: 'VERIFY_RESIZE',
  error: 'ERROR',
  deleted: 'DELETED',
};

type StateOf = { vmState: string; taskState: string | null };

function blockedReason(from: readonly string[], i: StateOf): string | null {
  if (i.taskState) return `Busy: ${i.taskState.replace(/[-_]/g, ' ')}.`;
  if (from.includes(i.vmState)) return null;
  return `Only when ${from.map((s) => VM_STATUS[s] ?? s).join(' or ')}.`;
}

/** Why `action` cannot run on the instance now, or null when it can (the same rule the server applies). */
export const actionBlockedReason = (action: InstanceAction, i: StateOf): string | null =>
  blockedReason(ALLOWED_FROM[action], i);

/** A locked instance refuses actions, deletion and metadata changes to everyone but admins (server-actions.ts). */
export const lockedReason = (i: { locked: boolean }, isAdmin: boolean): string | null =>
  i.locked && !isAdmin ? 'Locked: ask an administrator to unlock it.' : null;

/** Why the metadata cannot change now, or null when it can (server-metadata.service.ts's guard). */
export const metadataBlockedReason = (i: StateOf): string | null => blockedReason(METADATA_FROM, i);

/** Nova's power_state names by number; a copy of POWER_STATE_NAMES in server/services/compute/states.ts (tested). */
export const POWER_STATES: Record<number, string> = {
  0: 'NOSTATE',
  1: 'RUNNING',
  3: 'PAUSED',
  4: 'SHUTDOWN',
  6: 'CRASHED',
  7: 'SUSPENDED',
};
