-- CreateTable
CREATE TABLE "Case" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "procuratorate" TEXT NOT NULL,
    "caseNumber" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "clueSource" TEXT NOT NULL,
    "clueReceivedAt" TEXT,
    "filedAt" TEXT NOT NULL,
    "handler" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Consultation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "caseId" TEXT NOT NULL,
    "heldOn" TEXT NOT NULL,
    "agency" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "notes" TEXT,
    CONSTRAINT "Consultation_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Hearing" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "caseId" TEXT NOT NULL,
    "heldOn" TEXT NOT NULL,
    "participants" JSONB NOT NULL,
    "conclusion" TEXT NOT NULL,
    CONSTRAINT "Hearing_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LookBack" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "caseId" TEXT,
    "recommendationId" TEXT,
    "dueOn" TEXT NOT NULL,
    "conductedOn" TEXT,
    "finding" TEXT,
    "notes" TEXT,
    CONSTRAINT "LookBack_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PublicNotice" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "caseId" TEXT NOT NULL,
    "publishedOn" TEXT NOT NULL,
    "endsOn" TEXT NOT NULL,
    "outlet" TEXT NOT NULL,
    CONSTRAINT "PublicNotice_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CaseLawsuit" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "caseId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "filedAt" TEXT NOT NULL,
    "court" TEXT NOT NULL,
    CONSTRAINT "CaseLawsuit_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "recommendationId" TEXT,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "occurredAt" DATETIME NOT NULL,
    "payload" JSONB NOT NULL,
    "previousHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "recommendationPrevHash" TEXT,
    "recommendationHash" TEXT
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Recommendation" (
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
    "announcedService" BOOLEAN NOT NULL DEFAULT false,
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
INSERT INTO "new_Recommendation" ("agency", "caseNumber", "closeGround", "createdAt", "deadlines", "documentNumber", "domain", "handler", "id", "issuedAt", "measures", "nextDueAt", "nextDueKind", "procuratorate", "replyDueAt", "requestHash", "reviewDueAt", "sequence", "servedAt", "state", "status", "title", "updatedAt", "urgent", "workflowId") SELECT "agency", "caseNumber", "closeGround", "createdAt", "deadlines", "documentNumber", "domain", "handler", "id", "issuedAt", "measures", "nextDueAt", "nextDueKind", "procuratorate", "replyDueAt", "requestHash", "reviewDueAt", "sequence", "servedAt", "state", "status", "title", "updatedAt", "urgent", "workflowId" FROM "Recommendation";
DROP TABLE "Recommendation";
ALTER TABLE "new_Recommendation" RENAME TO "Recommendation";
CREATE UNIQUE INDEX "Recommendation_workflowId_key" ON "Recommendation"("workflowId");
CREATE INDEX "Recommendation_status_idx" ON "Recommendation"("status");
CREATE INDEX "Recommendation_domain_idx" ON "Recommendation"("domain");
CREATE INDEX "Recommendation_agency_idx" ON "Recommendation"("agency");
CREATE INDEX "Recommendation_handler_idx" ON "Recommendation"("handler");
CREATE INDEX "Recommendation_nextDueAt_idx" ON "Recommendation"("nextDueAt");
CREATE UNIQUE INDEX "Recommendation_procuratorate_documentNumber_key" ON "Recommendation"("procuratorate", "documentNumber");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Case_procuratorate_filedAt_idx" ON "Case"("procuratorate", "filedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Case_procuratorate_caseNumber_key" ON "Case"("procuratorate", "caseNumber");

-- CreateIndex
CREATE UNIQUE INDEX "LookBack_recommendationId_key" ON "LookBack"("recommendationId");

-- CreateIndex
CREATE INDEX "LookBack_dueOn_idx" ON "LookBack"("dueOn");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_key_key" ON "AuditEntry"("key");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_previousHash_key" ON "AuditEntry"("previousHash");

-- CreateIndex
CREATE INDEX "AuditEntry_recommendationId_id_idx" ON "AuditEntry"("recommendationId", "id");

