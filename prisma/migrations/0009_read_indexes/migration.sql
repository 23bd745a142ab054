-- DropIndex
DROP INDEX "Recommendation_domain_idx";

-- DropIndex
DROP INDEX "Recommendation_agency_idx";

-- DropIndex
DROP INDEX "Recommendation_handler_idx";

-- CreateIndex
CREATE INDEX "Recommendation_procuratorate_nextDueAt_createdAt_id_idx" ON "Recommendation"("procuratorate", "nextDueAt", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Recommendation_procuratorate_status_nextDueAt_createdAt_id_idx" ON "Recommendation"("procuratorate", "status", "nextDueAt", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Recommendation_procuratorate_handler_nextDueAt_createdAt_id_idx" ON "Recommendation"("procuratorate", "handler", "nextDueAt", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Recommendation_procuratorate_agency_nextDueAt_createdAt_id_idx" ON "Recommendation"("procuratorate", "agency", "nextDueAt", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Recommendation_procuratorate_handler_status_idx" ON "Recommendation"("procuratorate", "handler", "status");

-- CreateIndex
CREATE INDEX "Recommendation_procuratorate_domain_status_idx" ON "Recommendation"("procuratorate", "domain", "status");

-- CreateIndex
CREATE INDEX "Recommendation_procuratorate_servedAt_createdAt_id_idx" ON "Recommendation"("procuratorate", "servedAt", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Recommendation_procuratorate_updatedAt_createdAt_id_idx" ON "Recommendation"("procuratorate", "updatedAt", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Recommendation_procuratorate_issuedAt_idx" ON "Recommendation"("procuratorate", "issuedAt");

-- CreateIndex
CREATE INDEX "RecommendationEvent_recommendationId_type_occurredAt_idx" ON "RecommendationEvent"("recommendationId", "type", "occurredAt");

