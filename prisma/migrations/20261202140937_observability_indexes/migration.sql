-- CreateIndex
CREATE INDEX "OperationRun_finishedAt_idx" ON "OperationRun"("finishedAt");

-- CreateIndex
CREATE INDEX "OperationRunStep_runId_status_key_startedAt_finishedAt_idx" ON "OperationRunStep"("runId", "status", "key", "startedAt", "finishedAt");

-- CreateIndex
CREATE INDEX "OperationRunStep_finishedAt_idx" ON "OperationRunStep"("finishedAt");
