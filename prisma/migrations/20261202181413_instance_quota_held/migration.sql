-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "quotaHeld" BOOLEAN NOT NULL DEFAULT true;

