import { z } from 'zod';
import { defineRpc } from '../../contract';

// 1.0 initial
/**
 * compute agent → conductor, on start: which instances the cloud says live on this host and what state they should
 * be in, so the agent can destroy orphaned domains and finish or fail work a restart interrupted. Read-only.
 */
export const hostInstances = defineRpc({
  topic: 'conductor',
  method: 'host_instances',
  version: '1.0',
  kind: 'call',
  args: z.object({ host: z.string() }),
  result: z.object({
    instances: z.array(
      z.object({
        instanceId: z.string().uuid(),
        vmState: z.string(),
        taskState: z.string().nullable(),
        /** The build attempt in progress, for a build a restart interrupted. */
        attempt: z.number().int(),
      }),
    ),
  }),
});
