-- CreateEnum
CREATE TYPE "RunHealth" AS ENUM ('healthy', 'retrying', 'stalled');

-- AlterEnum
ALTER TYPE "RunKind" ADD VALUE 'recheck_access';

-- AlterTable
ALTER TABLE "OperationRun" ADD COLUMN     "health" "RunHealth",
ADD COLUMN     "healthReason" TEXT,
ADD COLUMN     "leaseGeneration" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3),
ADD COLUMN     "stalledNotifiedAt" TIMESTAMP(3),
ADD COLUMN     "traceparent" TEXT;

-- CreateTable
CREATE TABLE "OperationRunAttempt" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "stepKey" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "leaseGeneration" INTEGER NOT NULL,
    "workerId" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "outcome" TEXT,
    "errorCode" TEXT,
    "backoffMs" INTEGER,

    CONSTRAINT "OperationRunAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "runId" TEXT,
    "runAttempt" INTEGER,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "href" TEXT NOT NULL,
    "readAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OperationRunAttempt_runId_startedAt_idx" ON "OperationRunAttempt"("runId", "startedAt");

-- CreateIndex
CREATE INDEX "Notification_userId_workspaceId_createdAt_id_idx" ON "Notification"("userId", "workspaceId", "createdAt" DESC, "id");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_runId_runAttempt_userId_key" ON "Notification"("runId", "runAttempt", "userId");

-- CreateIndex
CREATE INDEX "OperationRun_workspaceId_createdAt_id_idx" ON "OperationRun"("workspaceId", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "OperationRun_status_heartbeatAt_idx" ON "OperationRun"("status", "heartbeatAt");

-- AddForeignKey
ALTER TABLE "OperationRunAttempt" ADD CONSTRAINT "OperationRunAttempt_runId_fkey" FOREIGN KEY ("runId") REFERENCES "OperationRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
