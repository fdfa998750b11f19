import { AppError } from '../../lib/errors';

/** Nova's vm_state values (nova/compute/vm_states.py) that Cumulo uses. */
export const VM = {
  BUILDING: 'building',
  ACTIVE: 'active',
  STOPPED: 'stopped',
  PAUSED: 'paused',
  SUSPENDED: 'suspended',
  RESIZED: 'resized',
  ERROR: 'error',
  DELETED: 'deleted',
} as const;
export type VmState = (typeof VM)[keyof typeof VM];

/** Nova's task_state values (nova/compute/task_states.py) that Cumulo uses. */
export const TASK = {
  SCHEDULING: 'scheduling',
  SPAWNING: 'spawning',
  POWERING_ON: 'powering-on',
  POWERING_OFF: 'powering-off',
  REBOOTING: 'rebooting',
  REBOOTING_HARD: 'rebooting_hard',
  PAUSING: 'pausing',
  UNPAUSING: 'unpausing',
  SUSPENDING: 'suspending',
  RESUMING: 'resuming',
  REBUILDING: 'rebuilding',
  RESIZE_PREP: 'resize_prep',
  RESIZE_FINISH: 'resize_finish',
  RESIZE_REVERTING: 'resize_reverting',
  RESIZE_CONFIRMING: 'resize_confirming',
  DELETING: 'deleting',
} as const;
export type TaskState = (typeof TASK)[keyof typeof TASK];

export type ServerAction =
  | 'start'
  | 'stop'
  | 'reboot_soft'
  | 'reboot_hard'
  | 'pause'
  | 'unpause'
  | 'suspend'
  | 'resume'
  | 'rebuild'
  | 'resize'
  | 'confirm_resize'
  | 'revert_resize';

type Rule = {
  /** The API's name of the action, for the 409 message and the instance action log (os-instance-actions). */
  name: string;
  from: readonly VmState[];
  task: TaskState;
  /** vm_state once the host reports success; `keep` leaves it as it was (a reboot of a stopped server starts it). */
  to: VmState | 'keep';
  /** The driver call behind it names an event, as Nova's `compute_<method>` events. */
  event: string;
};

/**
 * Which vm_states each action may start from (Nova's @check_instance_state), the task_state it sets while the host
 * works, and the vm_state it ends in. Every action also requires task_state to be None: one thing at a time.
 */
export const ACTION_RULES: Record<ServerAction, Rule> = {
  start: { name: 'start', from: [VM.STOPPED], task: TASK.POWERING_ON, to: VM.ACTIVE, event: 'compute_start_instance' },
  stop: { name: 'stop', from: [VM.ACTIVE, VM.ERROR], task: TASK.POWERING_OFF, to: VM.STOPPED, event: 'compute_stop_instance' },
  reboot_soft: { name: 'reboot', from: [VM.ACTIVE], task: TASK.REBOOTING, to: VM.ACTIVE, event: 'compute_reboot_instance' },
  reboot_hard: {
    name: 'reboot',
    from: [VM.ACTIVE, VM.STOPPED, VM.PAUSED, VM.SUSPENDED, VM.ERROR],
    task: TASK.REBOOTING_HARD,
    to: VM.ACTIVE,
    event: 'compute_reboot_instance',
  },
  pause: { name: 'pause', from: [VM.ACTIVE], task: TASK.PAUSING, to: VM.PAUSED, event: 'compute_pause_instance' },
  unpause: { name: 'unpause', from: [VM.PAUSED], task: TASK.UNPAUSING, to: VM.ACTIVE, event: 'compute_unpause_instance' },
  suspend: { name: 'suspend', from: [VM.ACTIVE], task: TASK.SUSPENDING, to: VM.SUSPENDED, event: 'compute_suspend_instance' },
  resume: { name: 'resume', from: [VM.SUSPENDED], task: TASK.RESUMING, to: VM.ACTIVE, event: 'compute_resume_instance' },
  rebuild: { name: 'rebuild', from: [VM.ACTIVE, VM.STOPPED, VM.ERROR], task: TASK.REBUILDING, to: VM.ACTIVE, event: 'compute_rebuild_instance' },
  resize: { name: 'resize', from: [VM.ACTIVE, VM.STOPPED], task: TASK.RESIZE_PREP, to: VM.RESIZED, event: 'compute_resize_instance' },
  confirm_resize: {
    name: 'confirmResize',
    from: [VM.RESIZED],
    task: TASK.RESIZE_CONFIRMING,
    to: VM.ACTIVE,
    event: 'compute_confirm_resize',
  },
  revert_resize: {
    name: 'revertResize',
    from: [VM.RESIZED],
    task: TASK.RESIZE_REVERTING,
    to: VM.ACTIVE,
    event: 'compute_revert_resize',
  },
};

/** 409 unless the instance may start `action` now, worded as Nova's InstanceInvalidState. */
export function assertCanStart(action: ServerAction, instance: { id: string; vmState: string; taskState: string | null }) {
  const rule = ACTION_RULES[action];
  if (instance.taskState !== null) {
    throw new AppError(
      'Conflict',
      `Cannot '${rule.name}' instance ${instance.id} while it is in task_state ${instance.taskState}`,
    );
  }
  if (!rule.from.includes(instance.vmState as VmState)) {
    throw new AppError('Conflict', `Cannot '${rule.name}' instance ${instance.id} while it is in vm_state ${instance.vmState}`);
  }
}

/** The `status` a Nova client sees, from vm_state and task_state (nova/api/openstack/common.py's state map). */
export function serverStatus(vmState: string, taskState: string | null): string {
  const byTask: Record<string, Record<string, string>> = {
    [VM.ACTIVE]: {
      [TASK.REBOOTING]: 'REBOOT',
      [TASK.REBOOTING_HARD]: 'HARD_REBOOT',
      [TASK.REBUILDING]: 'REBUILD',
      [TASK.RESIZE_PREP]: 'RESIZE',
      [TASK.RESIZE_FINISH]: 'RESIZE',
    },
    [VM.STOPPED]: { [TASK.RESIZE_PREP]: 'RESIZE', [TASK.RESIZE_FINISH]: 'RESIZE', [TASK.REBUILDING]: 'REBUILD' },
    [VM.RESIZED]: { [TASK.RESIZE_REVERTING]: 'REVERT_RESIZE' },
    [VM.ERROR]: { [TASK.REBUILDING]: 'REBUILD' },
  };
  const plain: Record<string, string> = {
    [VM.BUILDING]: 'BUILD',
    [VM.ACTIVE]: 'ACTIVE',
    [VM.STOPPED]: 'SHUTOFF',
    [VM.PAUSED]: 'PAUSED',
    [VM.SUSPENDED]: 'SUSPENDED',
    [VM.RESIZED]: 'VERIFY_RESIZE',
    [VM.ERROR]: 'ERROR',
    [VM.DELETED]: 'DELETED',
  };
  return (taskState && byTask[vmState]?.[taskState]) || plain[vmState] || 'UNKNOWN';
}

/** Nova's power_state names, for OS-EXT-STS:power_state as a number and the dashboard's labels. */
export const POWER_STATE_NAMES: Record<number, string> = {
  0: 'NOSTATE',
  1: 'RUNNING',
  3: 'PAUSED',
  4: 'SHUTDOWN',
  6: 'CRASHED',
  7: 'SUSPENDED',
};
