import { z } from 'zod';
import { defineRpc } from '../../contract';
import { INSTANCE_ACTIONS } from '../compute/instance-action';

// 1.0 initial
/**
 * compute agent → conductor: an instance action ended. Success moves the instance to the action's end state; failure
 * clears the task and records a fault. Idempotent: a result whose action is no longer in progress is ignored.
 */
export const actionResult = defineRpc({
  topic: 'conductor',
  method: 'action_result',
  version: '1.0',
  kind: 'cast',
  args: z.object({
    instanceId: z.string().uuid(),
    actionId: z.string(),
    host: z.string(),
    action: z.enum(INSTANCE_ACTIONS),
    ok: z.boolean(),
    powerState: z.number().int(),
    error: z.string().optional(),
  }),
});
