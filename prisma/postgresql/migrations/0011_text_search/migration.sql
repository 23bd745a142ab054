-- The list's free text (q: ILIKE on the 文号, title and agency, src/db/search.ts) served by trigram indexes rather than
-- read by a scan of the scope: pg_trgm (a trusted extension of PostgreSQL's own contrib) finds the candidates of a
-- text of three characters or more, the ILIKE rechecks each, so the results are those of the scan.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "Recommendation_documentNumber_trgm_idx" ON "Recommendation" USING GIN ("documentNumber" gin_trgm_ops);
CREATE INDEX "Recommendation_title_trgm_idx" ON "Recommendation" USING GIN ("title" gin_trgm_ops);
CREATE INDEX "Recommendation_agency_trgm_idx" ON "Recommendation" USING GIN ("agency" gin_trgm_ops);
