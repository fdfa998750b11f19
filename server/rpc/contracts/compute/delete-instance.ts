import { z } from 'zod';
import { defineRpc } from '../../contract';

// 1.0 initial
/** API → compute.<host>: destroy the domain and its disks, then report conductor.instance_deleted. Idempotent. */
export const deleteInstance = defineRpc({
  topic: 'compute',
  method: 'delete_instance',
  version: '1.0',
  kind: 'cast',
  args: z.object({ instanceId: z.string().uuid(), actionId: z.string() }),
});
