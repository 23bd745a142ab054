-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN     "administrationOnly" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "approvedBy" TEXT;

-- CreateTable
CREATE TABLE "TokenRequest" (
    "id" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "expiresInDays" INTEGER NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "rejectionReason" TEXT,
    "tokenId" TEXT,

    CONSTRAINT "TokenRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TokenRequest_personId_idx" ON "TokenRequest"("personId");

-- CreateIndex
CREATE INDEX "TokenRequest_status_expiresAt_idx" ON "TokenRequest"("status", "expiresAt");

-- AddForeignKey
ALTER TABLE "TokenRequest" ADD CONSTRAINT "TokenRequest_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

