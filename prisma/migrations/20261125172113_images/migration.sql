-- CreateTable
CREATE TABLE "Image" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "diskFormat" TEXT,
    "containerFormat" TEXT,
    "size" BIGINT,
    "virtualSize" BIGINT,
    "checksum" TEXT,
    "osHashAlgo" TEXT,
    "osHashValue" TEXT,
    "visibility" TEXT NOT NULL DEFAULT 'shared',
    "protected" BOOLEAN NOT NULL DEFAULT false,
    "osHidden" BOOLEAN NOT NULL DEFAULT false,
    "minDisk" INTEGER NOT NULL DEFAULT 0,
    "minRam" INTEGER NOT NULL DEFAULT 0,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "properties" JSONB NOT NULL DEFAULT '{}',
    "ownerId" TEXT NOT NULL,
    "storeId" TEXT,
    "location" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImageMember" (
    "imageId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ImageMember_pkey" PRIMARY KEY ("imageId","memberId")
);

-- CreateIndex
CREATE INDEX "Image_ownerId_idx" ON "Image"("ownerId");

-- CreateIndex
CREATE INDEX "Image_visibility_idx" ON "Image"("visibility");

-- CreateIndex
CREATE INDEX "Image_createdAt_id_idx" ON "Image"("createdAt", "id");

-- CreateIndex
CREATE INDEX "ImageMember_memberId_idx" ON "ImageMember"("memberId");

-- AddForeignKey
ALTER TABLE "ImageMember" ADD CONSTRAINT "ImageMember_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

