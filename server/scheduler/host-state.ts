/** One candidate host as the filters and weighers see it: capacity left under the allocation ratios. */
export type HostState = {
  host: string;
  availabilityZone: string;
  enabled: boolean;
  up: boolean;
  hypervisorType: string;
  freeVcpus: number;
  freeRamMb: number;
  freeDiskGb: number;
};

/** What is asked for: one instance's size and placement constraints. */
export type RequestSpec = {
  instanceId: string;
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  availabilityZone: string | null;
  /** Image properties that constrain the host (hypervisor_type). */
  imageProperties: Record<string, string>;
  /** Hosts a previous attempt failed on. */
  triedHosts: string[];
  group: { policy: string; hosts: string[]; maxServerPerHost?: number } | null;
};

export type HostFilter = { name: string; passes(host: HostState, req: RequestSpec): boolean };
export type HostWeigher = { name: string; weigh(host: HostState): number; multiplier: number };

type NodeRow = {
  host: string;
  availabilityZone: string;
  enabled: boolean;
  hypervisorType: string;
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  vcpusUsed: number;
  memoryMbUsed: number;
  diskGbUsed: number;
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
};

/** Same arithmetic as the claim's UPDATE (claims.repository.ts), so a host that passes can usually be claimed. */
export const hostStateOf = (n: NodeRow, up: boolean): HostState => ({
  host: n.host,
  availabilityZone: n.availabilityZone,
  enabled: n.enabled,
  up,
  hypervisorType: n.hypervisorType,
  freeVcpus: Math.floor(n.vcpus * n.cpuAllocationRatio) - n.vcpusUsed,
  freeRamMb: Math.floor(n.memoryMb * n.ramAllocationRatio) - n.memoryMbUsed,
  freeDiskGb: Math.floor(n.diskGb * n.diskAllocationRatio) - n.diskGbUsed,
});
