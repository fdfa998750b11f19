import { z } from 'zod';

const count = z.number().int().min(0).max(2_147_483_647);

/**
 * What a compute agent reports about its host (at start and periodically), relayed by the conductor to
 * HostsService.recordReport. The bus contract reuses this schema, so agent and controller agree on one shape.
 */
export const ZComputeNodeReport = z.object({
  /** The agent's `--host` name: the node's key, the os-services host and the os-hypervisors hostname. */
  host: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a host name'),
  /** Which HypervisorDriver the agent runs (libvirt, libvirt-test, fake). */
  driver: z.string().min(1).max(64),
  /** As Nova shows it: QEMU, KVM, fake… */
  hypervisorType: z.string().min(1).max(64),
  /** libvirt's encoding: major * 1_000_000 + minor * 1000 + release (8.0.0 → 8000000). */
  hypervisorVersion: count,
  hostIp: z.string().ip(),
  /** Absent: a new host lands in "nova" (Nova's default_availability_zone), an existing one keeps its zone. */
  availabilityZone: z.string().min(1).max(255).optional(),
  vcpus: count,
  memoryMb: count,
  diskGb: count,
  /** Domains the hypervisor runs now; absent keeps the last value. */
  runningVms: count.optional(),
});
export type TComputeNodeReport = z.infer<typeof ZComputeNodeReport>;

/** One compute host as services and the scheduler see it (the ComputeNode row). */
export type TComputeNode = {
  host: string;
  serviceId: string;
  hypervisorId: string;
  availabilityZone: string;
  driver: string;
  hypervisorType: string;
  hypervisorVersion: number;
  hostIp: string;
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  vcpusUsed: number;
  memoryMbUsed: number;
  diskGbUsed: number;
  runningVms: number;
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
  enabled: boolean;
  disabledReason: string | null;
  forcedDown: boolean;
  lastHeartbeatAt: Date;
  createdAt: Date;
  updatedAt: Date;
};

/** An os-services row: the nova-compute service of one node, with its liveness worked out. */
export type TComputeService = TComputeNode & { up: boolean };

/** A hypervisor with what the API shows beside the node: liveness, busy instances and (asked for) its servers. */
export type THypervisor = TComputeService & {
  currentWorkload: number;
  servers?: { id: string; name: string }[];
};

/** An operator's change to a service (os-services PUT). */
export type TServiceUpdate = {
  status?: 'enabled' | 'disabled';
  disabledReason?: string;
  forcedDown?: boolean;
};

export type THypervisorQuery = {
  /** Substring of the hypervisor hostname (Nova's SQL LIKE %pattern%). */
  pattern?: string;
  withServers?: boolean;
  limit?: number;
  marker?: string;
};

export type THypervisorStatistics = {
  count: number;
  vcpus: number;
  vcpusUsed: number;
  memoryMb: number;
  memoryMbUsed: number;
  diskGb: number;
  diskGbUsed: number;
  freeRamMb: number;
  freeDiskGb: number;
  runningVms: number;
  currentWorkload: number;
  diskAvailableLeast: number;
};

export type TAvailabilityZone = {
  name: string;
  available: boolean;
  /** Only in the detailed listing: the zone's enabled hosts and their nova-compute service. */
  hosts?: { host: string; up: boolean; enabled: boolean; updatedAt: Date }[];
};
