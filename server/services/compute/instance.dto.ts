import type { VmState } from './states';

/** The flavor as an instance keeps it (Nova's embedded flavor, microversion 2.47). */
export type TInstanceFlavor = {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  ephemeral: number;
  swap: number;
  extraSpecs: Record<string, string>;
};

export type TInstance = {
  id: string;
  name: string;
  hostname: string;
  description: string | null;
  projectId: string;
  userId: string;
  imageId: string;
  flavor: TInstanceFlavor;
  oldFlavor: TInstanceFlavor | null;
  newFlavor: TInstanceFlavor | null;
  keyName: string | null;
  keyData: string | null;
  userData: string | null;
  metadata: Record<string, string>;
  availabilityZone: string | null;
  serverGroupId: string | null;
  vmState: VmState;
  taskState: string | null;
  powerState: number;
  host: string | null;
  sourceHost: string | null;
  triedHosts: string[];
  attempts: number;
  quotaHeld: boolean;
  reservationId: string;
  launchIndex: number;
  locked: boolean;
  progress: number;
  launchedAt: Date | null;
  terminatedAt: Date | null;
  deleted: boolean;
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

export type TInstanceFault = { code: number; message: string; details: string; createdAt: Date; host: string | null };

export type TInstanceActionEvent = {
  event: string;
  host: string | null;
  result: string | null;
  traceback: string | null;
  startTime: Date;
  finishTime: Date | null;
};

export type TInstanceAction = {
  id: string;
  instanceId: string;
  action: string;
  requestId: string;
  projectId: string;
  userId: string;
  message: string | null;
  startTime: Date;
  updatedAt: Date;
  events: TInstanceActionEvent[];
};

/** Resources one instance of a flavor takes on a host and from the quota. */
export const resourcesOf = (f: Pick<TInstanceFlavor, 'vcpus' | 'ram' | 'disk' | 'ephemeral' | 'swap'>) => ({
  vcpus: f.vcpus,
  memoryMb: f.ram,
  diskGb: f.disk + f.ephemeral + Math.ceil(f.swap / 1024),
});
