import { z } from 'zod';
import { defineRpc } from '../../contract';

// 1.0 initial
/**
 * compute agent → conductor, periodically: the power state of every domain on the host, so an instance stopped
 * behind our back becomes SHUTOFF. Idempotent: it states facts.
 */
export const powerStates = defineRpc({
  topic: 'conductor',
  method: 'power_states',
  version: '1.0',
  kind: 'cast',
  args: z.object({
    host: z.string(),
    domains: z.array(z.object({ instanceId: z.string().uuid(), powerState: z.number().int() })),
  }),
});
