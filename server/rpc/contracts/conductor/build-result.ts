import { z } from 'zod';
import { defineRpc } from '../../contract';

// 1.0 initial
/**
 * compute agent → conductor: a build finished on `host`, or failed there (then it is rescheduled elsewhere, or ends
 * in ERROR after the last attempt). Idempotent: a result for an instance that is no longer building on that host
 * is ignored.
 */
export const buildResult = defineRpc({
  topic: 'conductor',
  method: 'build_result',
  version: '1.0',
  kind: 'cast',
  args: z.object({
    instanceId: z.string().uuid(),
    host: z.string(),
    attempt: z.number().int().nonnegative(),
    ok: z.boolean(),
    powerState: z.number().int(),
    error: z.string().optional(),
    /** The token the build came with, handed back on failure so the reschedule can fetch images again. */
    authToken: z.string().optional(),
  }),
});
