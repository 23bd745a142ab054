-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Recommendation" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Recommendation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecommendationEvent" (
    "id" SERIAL NOT NULL,
    "recommendationId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "data" JSONB NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecommendationEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "recommendationId" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "deadlineKind" TEXT NOT NULL,
    "dueDate" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "raisedAt" TIMESTAMP(3) NOT NULL,
    "readAt" TIMESTAMP(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HolidaySchedule" (
    "year" INTEGER NOT NULL,
    "holidays" JSONB NOT NULL,
    "workdays" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HolidaySchedule_pkey" PRIMARY KEY ("year")
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

-- AddForeignKey
ALTER TABLE "RecommendationEvent" ADD CONSTRAINT "RecommendationEvent_recommendationId_fkey" FOREIGN KEY ("recommendationId") REFERENCES "Recommendation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_recommendationId_fkey" FOREIGN KEY ("recommendationId") REFERENCES "Recommendation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

