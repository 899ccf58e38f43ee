-- AlterTable
ALTER TABLE "OperationRun" ADD COLUMN     "queueJobId" UUID;
