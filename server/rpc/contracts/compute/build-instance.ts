import { z } from 'zod';
import { defineRpc } from '../../contract';
import { ZInstanceSpec } from './instance-spec';

// 1.0 initial
/**
 * Scheduler → compute.<host>: fetch the image, make the disks, define and start the domain, then report the outcome
 * with conductor.build_result. Idempotent: a redelivered build finds the domain running and reports success again.
 */
export const buildInstance = defineRpc({
  topic: 'compute',
  method: 'build_instance',
  version: '1.0',
  kind: 'cast',
  args: z.object({ spec: ZInstanceSpec, attempt: z.number().int().nonnegative() }),
});
