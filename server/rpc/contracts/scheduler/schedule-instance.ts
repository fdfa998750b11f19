import { z } from 'zod';
import { defineRpc } from '../../contract';

// 1.0 initial
/**
 * API/conductor → scheduler: pick a host for a building instance, claim its resources there and cast the build.
 * The instance row holds everything else (flavor, image, hosts already tried). Idempotent: an instance that
 * already has a claim for this attempt is not claimed twice.
 */
export const scheduleInstance = defineRpc({
  topic: 'scheduler',
  method: 'schedule_instance',
  version: '1.0',
  kind: 'cast',
  args: z.object({ instanceId: z.string().uuid(), authToken: z.string().min(1), requestId: z.string().optional() }),
});
