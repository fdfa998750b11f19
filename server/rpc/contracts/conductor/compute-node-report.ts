import { z } from 'zod';
import { defineRpc } from '../../contract';

// 1.0 initial
/**
 * compute agent → conductor, at start and on every heartbeat: the host is alive and this is its capacity.
 * Idempotent: the latest report wins.
 */
export const ZNodeReport = z.object({
  host: z.string().min(1),
  driver: z.string(),
  hypervisorType: z.string(),
  hypervisorVersion: z.number().int().nonnegative(),
  hostIp: z.string(),
  availabilityZone: z.string().optional(),
  vcpus: z.number().int().nonnegative(),
  memoryMb: z.number().int().nonnegative(),
  diskGb: z.number().int().nonnegative(),
  runningVms: z.number().int().nonnegative().optional(),
});
export type TNodeReport = z.infer<typeof ZNodeReport>;

export const computeNodeReport = defineRpc({
  topic: 'conductor',
  method: 'compute_node_report',
  version: '1.0',
  kind: 'cast',
  args: ZNodeReport,
});
