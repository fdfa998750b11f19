import { z } from 'zod';
import { defineRpc } from '../../contract';
import { ZInstanceSpec } from './instance-spec';

export const INSTANCE_ACTIONS = [
  'start',
  'stop',
  'reboot_soft',
  'reboot_hard',
  'pause',
  'unpause',
  'suspend',
  'resume',
  'rebuild',
  'resize',
  'confirm_resize',
  'revert_resize',
] as const;
export type TInstanceAction = (typeof INSTANCE_ACTIONS)[number];

// 1.0 initial
/**
 * API → compute.<host>: one power or lifecycle action on a domain; the agent reports with conductor.action_result.
 * `spec` carries the instance as it must be afterwards (rebuild: the new image; resize/revert: the new/old flavor).
 * Idempotent: the driver's actions are (stopping a stopped domain succeeds).
 */
export const instanceAction = defineRpc({
  topic: 'compute',
  method: 'instance_action',
  version: '1.0',
  kind: 'cast',
  args: z.object({ instanceId: z.string().uuid(), action: z.enum(INSTANCE_ACTIONS), actionId: z.string(), spec: ZInstanceSpec.optional() }),
});
