-- AlterTable
ALTER TABLE "Recommendation" ADD COLUMN     "announcedService" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "Case" (
    "id" TEXT NOT NULL,
    "procuratorate" TEXT NOT NULL,
    "caseNumber" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "clueSource" TEXT NOT NULL,
    "clueReceivedAt" TEXT,
    "filedAt" TEXT NOT NULL,
    "handler" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Consultation" (
    "id" SERIAL NOT NULL,
    "caseId" TEXT NOT NULL,
    "heldOn" TEXT NOT NULL,
    "agency" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "notes" TEXT,

    CONSTRAINT "Consultation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Hearing" (
    "id" SERIAL NOT NULL,
    "caseId" TEXT NOT NULL,
    "heldOn" TEXT NOT NULL,
    "participants" JSONB NOT NULL,
    "conclusion" TEXT NOT NULL,

    CONSTRAINT "Hearing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LookBack" (
    "id" SERIAL NOT NULL,
    "caseId" TEXT,
    "recommendationId" TEXT,
    "dueOn" TEXT NOT NULL,
    "conductedOn" TEXT,
    "finding" TEXT,
    "notes" TEXT,

    CONSTRAINT "LookBack_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PublicNotice" (
    "id" SERIAL NOT NULL,
    "caseId" TEXT NOT NULL,
    "publishedOn" TEXT NOT NULL,
    "endsOn" TEXT NOT NULL,
    "outlet" TEXT NOT NULL,

    CONSTRAINT "PublicNotice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseLawsuit" (
    "id" SERIAL NOT NULL,
    "caseId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "filedAt" TEXT NOT NULL,
    "court" TEXT NOT NULL,

    CONSTRAINT "CaseLawsuit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "recommendationId" TEXT,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "payload" JSONB NOT NULL,
    "previousHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "recommendationPrevHash" TEXT,
    "recommendationHash" TEXT,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "Consultation" ADD CONSTRAINT "Consultation_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Hearing" ADD CONSTRAINT "Hearing_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LookBack" ADD CONSTRAINT "LookBack_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PublicNotice" ADD CONSTRAINT "PublicNotice_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseLawsuit" ADD CONSTRAINT "CaseLawsuit_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

