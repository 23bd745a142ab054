-- AlterTable
ALTER TABLE "AuditEntry" ADD COLUMN "procuratorate" TEXT;
ALTER TABLE "AuditEntry" ADD COLUMN "procuratorateHash" TEXT;
ALTER TABLE "AuditEntry" ADD COLUMN "procuratoratePrevHash" TEXT;

-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "chain" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "entries" INTEGER NOT NULL,
    "headId" INTEGER NOT NULL,
    "headHash" TEXT NOT NULL,
    "signedAt" DATETIME NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditCheckpoint_chain_sequence_key" ON "AuditCheckpoint"("chain", "sequence");

-- CreateIndex
CREATE INDEX "AuditEntry_procuratorate_id_idx" ON "AuditEntry"("procuratorate", "id");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_procuratorate_procuratoratePrevHash_key" ON "AuditEntry"("procuratorate", "procuratoratePrevHash");


-- Entries written before procuratorate chains: a recommendation's are its procuratorate's, the others their
-- actor's (the first administrator's token: that administrator's); the rest stay the installation's. The engine
-- puts them in their procuratorate's chain at its next append or checkpoint (src/audit/log.ts).
UPDATE "AuditEntry" SET "procuratorate" = (
    SELECT "Recommendation"."procuratorate" FROM "Recommendation" WHERE "Recommendation"."id" = "AuditEntry"."recommendationId"
) WHERE "recommendationId" IS NOT NULL;
UPDATE "AuditEntry" SET "procuratorate" = (
    SELECT "Person"."procuratorate" FROM "Person" WHERE "Person"."id" = "AuditEntry"."actor"
) WHERE "procuratorate" IS NULL AND "actor" <> 'bootstrap';
UPDATE "AuditEntry" SET "procuratorate" = (
    SELECT "Person"."procuratorate" FROM "Person" WHERE "Person"."id" = json_extract("AuditEntry"."payload", '$.personId')
) WHERE "procuratorate" IS NULL AND "actor" = 'bootstrap';
