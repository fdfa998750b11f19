import { z } from 'zod';
import { defineRpc } from '../../contract';

// 1.0 initial
/** compute agent → conductor: the domain and disks are gone; release the claim and quota. Idempotent. */
export const instanceDeleted = defineRpc({
  topic: 'conductor',
  method: 'instance_deleted',
  version: '1.0',
  kind: 'cast',
  args: z.object({ instanceId: z.string().uuid(), actionId: z.string(), host: z.string() }),
});
