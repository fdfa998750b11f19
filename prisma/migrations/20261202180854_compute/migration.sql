-- CreateTable
CREATE TABLE "Flavor" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "vcpus" INTEGER NOT NULL,
    "ramMb" INTEGER NOT NULL,
    "diskGb" INTEGER NOT NULL,
    "ephemeralGb" INTEGER NOT NULL DEFAULT 0,
    "swapMb" INTEGER NOT NULL DEFAULT 0,
    "rxtxFactor" DOUBLE PRECISION NOT NULL DEFAULT 1.0,
    "isPublic" BOOLEAN NOT NULL DEFAULT true,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "description" TEXT,
    "extraSpecs" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Flavor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlavorAccess" (
    "flavorId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,

    CONSTRAINT "FlavorAccess_pkey" PRIMARY KEY ("flavorId","projectId")
);

-- CreateTable
CREATE TABLE "KeyPair" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'ssh',
    "publicKey" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KeyPair_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ComputeNode" (
    "host" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "hypervisorId" TEXT NOT NULL,
    "availabilityZone" TEXT NOT NULL DEFAULT 'nova',
    "driver" TEXT NOT NULL,
    "hypervisorType" TEXT NOT NULL,
    "hypervisorVersion" INTEGER NOT NULL DEFAULT 0,
    "hostIp" TEXT NOT NULL DEFAULT '127.0.0.1',
    "vcpus" INTEGER NOT NULL,
    "memoryMb" INTEGER NOT NULL,
    "diskGb" INTEGER NOT NULL,
    "vcpusUsed" INTEGER NOT NULL DEFAULT 0,
    "memoryMbUsed" INTEGER NOT NULL DEFAULT 0,
    "diskGbUsed" INTEGER NOT NULL DEFAULT 0,
    "runningVms" INTEGER NOT NULL DEFAULT 0,
    "cpuAllocationRatio" DOUBLE PRECISION NOT NULL DEFAULT 16.0,
    "ramAllocationRatio" DOUBLE PRECISION NOT NULL DEFAULT 1.5,
    "diskAllocationRatio" DOUBLE PRECISION NOT NULL DEFAULT 1.0,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabledReason" TEXT,
    "forcedDown" BOOLEAN NOT NULL DEFAULT false,
    "lastHeartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ComputeNode_pkey" PRIMARY KEY ("host")
);

-- CreateTable
CREATE TABLE "ResourceClaim" (
    "instanceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'instance',
    "host" TEXT NOT NULL,
    "vcpus" INTEGER NOT NULL,
    "memoryMb" INTEGER NOT NULL,
    "diskGb" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ResourceClaim_pkey" PRIMARY KEY ("instanceId","kind")
);

-- CreateTable
CREATE TABLE "Instance" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "description" TEXT,
    "projectId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "flavor" JSONB NOT NULL,
    "oldFlavor" JSONB,
    "newFlavor" JSONB,
    "keyName" TEXT,
    "keyData" TEXT,
    "userData" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "availabilityZone" TEXT,
    "serverGroupId" TEXT,
    "vmState" TEXT NOT NULL,
    "taskState" TEXT,
    "powerState" INTEGER NOT NULL DEFAULT 0,
    "host" TEXT,
    "sourceHost" TEXT,
    "triedHosts" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "reservationId" TEXT NOT NULL,
    "launchIndex" INTEGER NOT NULL DEFAULT 0,
    "locked" BOOLEAN NOT NULL DEFAULT false,
    "progress" INTEGER NOT NULL DEFAULT 0,
    "launchedAt" TIMESTAMP(3),
    "terminatedAt" TIMESTAMP(3),
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Instance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InstanceAction" (
    "id" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "message" TEXT,
    "startTime" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InstanceAction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InstanceActionEvent" (
    "id" TEXT NOT NULL,
    "actionId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "host" TEXT,
    "result" TEXT,
    "traceback" TEXT,
    "startTime" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishTime" TIMESTAMP(3),

    CONSTRAINT "InstanceActionEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InstanceFault" (
    "id" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "code" INTEGER NOT NULL,
    "message" TEXT NOT NULL,
    "details" TEXT NOT NULL DEFAULT '',
    "host" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InstanceFault_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServerGroup" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "policy" TEXT NOT NULL,
    "rules" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ServerGroup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Flavor_name_key" ON "Flavor"("name");

-- CreateIndex
CREATE INDEX "FlavorAccess_projectId_idx" ON "FlavorAccess"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "KeyPair_userId_name_key" ON "KeyPair"("userId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ComputeNode_serviceId_key" ON "ComputeNode"("serviceId");

-- CreateIndex
CREATE UNIQUE INDEX "ComputeNode_hypervisorId_key" ON "ComputeNode"("hypervisorId");

-- CreateIndex
CREATE INDEX "ResourceClaim_host_idx" ON "ResourceClaim"("host");

-- CreateIndex
CREATE INDEX "Instance_projectId_deleted_createdAt_idx" ON "Instance"("projectId", "deleted", "createdAt");

-- CreateIndex
CREATE INDEX "Instance_host_deleted_idx" ON "Instance"("host", "deleted");

-- CreateIndex
CREATE INDEX "Instance_createdAt_id_idx" ON "Instance"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Instance_serverGroupId_idx" ON "Instance"("serverGroupId");

-- CreateIndex
CREATE INDEX "InstanceAction_instanceId_startTime_idx" ON "InstanceAction"("instanceId", "startTime");

-- CreateIndex
CREATE INDEX "InstanceAction_requestId_idx" ON "InstanceAction"("requestId");

-- CreateIndex
CREATE INDEX "InstanceActionEvent_actionId_idx" ON "InstanceActionEvent"("actionId");

-- CreateIndex
CREATE INDEX "InstanceFault_instanceId_createdAt_idx" ON "InstanceFault"("instanceId", "createdAt");

-- CreateIndex
CREATE INDEX "ServerGroup_projectId_idx" ON "ServerGroup"("projectId");

-- AddForeignKey
ALTER TABLE "FlavorAccess" ADD CONSTRAINT "FlavorAccess_flavorId_fkey" FOREIGN KEY ("flavorId") REFERENCES "Flavor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ResourceClaim" ADD CONSTRAINT "ResourceClaim_host_fkey" FOREIGN KEY ("host") REFERENCES "ComputeNode"("host") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InstanceAction" ADD CONSTRAINT "InstanceAction_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InstanceActionEvent" ADD CONSTRAINT "InstanceActionEvent_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "InstanceAction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InstanceFault" ADD CONSTRAINT "InstanceFault_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

