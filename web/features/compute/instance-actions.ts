/**
 * Which vm_states each power action may start from. A copy of the `from` lists of ACTION_RULES in
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
} as const satisfies Record<string, readonly string[]>;

export type InstanceAction = keyof typeof ALLOWED_FROM;

export const ACTION_LABELS: Record<InstanceAction, string> = {
  start: 'Start',
  stop: 'Stop',
  reboot_soft: 'Reboot',
  reboot_hard: 'Hard reboot',
  pause: 'Pause',
  unpause: 'Unpause',
  suspend: 'Suspend',
  resume: 'Resume',
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

/** Why `action` cannot run on the instance now, or null when it can (the same rule the server applies). */
export function actionBlockedReason(
  action: InstanceAction,
  i: { vmState: string; taskState: string | null },
): string | null {
  if (i.taskState) return `Busy: ${i.taskState.replace(/_/g, ' ')}.`;
  const from: readonly string[] = ALLOWED_FROM[action];
  if (from.includes(i.vmState)) return null;
  return `Only when ${from.map((s) => VM_STATUS[s] ?? s).join(' or ')}.`;
}

/** Nova's power_state names by number; a copy of POWER_STATE_NAMES in server/services/compute/states.ts (tested). */
export const POWER_STATES: Record<number, string> = {
  0: 'NOSTATE',
  1: 'RUNNING',
  3: 'PAUSED',
  4: 'SHUTDOWN',
  6: 'CRASHED',
  7: 'SUSPENDED',
};
