-- CreateTable
CREATE TABLE "Recommendation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "requestHash" TEXT,
    "procuratorate" TEXT NOT NULL,
    "documentNumber" TEXT NOT NULL,
    "caseNumber" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "agency" TEXT NOT NULL,
    "handler" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "measures" JSONB NOT NULL,
    "issuedAt" TEXT NOT NULL,
    "servedAt" TEXT NOT NULL,
    "urgent" BOOLEAN NOT NULL,
    "status" TEXT NOT NULL,
    "closeGround" TEXT,
    "replyDueAt" TEXT,
    "reviewDueAt" TEXT,
    "nextDueAt" TEXT,
    "nextDueKind" TEXT,
    "deadlines" JSONB,
    "state" JSONB,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RecommendationEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "recommendationId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "occurredAt" DATETIME NOT NULL,
    "data" JSONB NOT NULL,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RecommendationEvent_recommendationId_fkey" FOREIGN KEY ("recommendationId") REFERENCES "Recommendation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "recommendationId" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "deadlineKind" TEXT NOT NULL,
    "dueDate" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "raisedAt" DATETIME NOT NULL,
    "readAt" DATETIME,
    CONSTRAINT "Notification_recommendationId_fkey" FOREIGN KEY ("recommendationId") REFERENCES "Recommendation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "HolidaySchedule" (
    "year" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "holidays" JSONB NOT NULL,
    "workdays" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Recommendation_workflowId_key" ON "Recommendation"("workflowId");

-- CreateIndex
CREATE INDEX "Recommendation_status_idx" ON "Recommendation"("status");

-- CreateIndex
CREATE INDEX "Recommendation_domain_idx" ON "Recommendation"("domain");

-- CreateIndex
CREATE INDEX "Recommendation_agency_idx" ON "Recommendation"("agency");

-- CreateIndex
CREATE INDEX "Recommendation_handler_idx" ON "Recommendation"("handler");

-- CreateIndex
CREATE INDEX "Recommendation_nextDueAt_idx" ON "Recommendation"("nextDueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Recommendation_procuratorate_documentNumber_key" ON "Recommendation"("procuratorate", "documentNumber");

-- CreateIndex
CREATE UNIQUE INDEX "RecommendationEvent_recommendationId_sequence_key" ON "RecommendationEvent"("recommendationId", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_key_key" ON "Notification"("key");

-- CreateIndex
CREATE INDEX "Notification_recipient_readAt_idx" ON "Notification"("recipient", "readAt");

-- CreateIndex
CREATE INDEX "Notification_recommendationId_idx" ON "Notification"("recommendationId");

