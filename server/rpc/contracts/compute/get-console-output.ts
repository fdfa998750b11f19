import { z } from 'zod';
import { defineRpc } from '../../contract';

// 1.0 initial
/** API → compute.<host>: the guest's serial console so far (read-only, so safe to repeat). */
export const getConsoleOutput = defineRpc({
  topic: 'compute',
  method: 'get_console_output',
  version: '1.0',
  kind: 'call',
  args: z.object({ instanceId: z.string().uuid(), maxBytes: z.number().int().positive().optional() }),
  result: z.object({ output: z.string() }),
});
