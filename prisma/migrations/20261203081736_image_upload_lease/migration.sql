-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "uploadLeaseUntil" TIMESTAMP(3),
ADD COLUMN     "uploadToken" TEXT;

