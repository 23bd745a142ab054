-- The list's free text (q: ILIKE on the 文号, title and agency, src/db/search.ts) served by trigram indexes rather than
-- read by a scan of the scope: pg_trgm (a trusted extension of PostgreSQL's own contrib) finds the candidates of a
-- text of three characters or more, the ILIKE rechecks each, so the results are those of the scan.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "Recommendation_documentNumber_trgm_idx" ON "Recommendation" USING GIN ("documentNumber" gin_trgm_ops);
CREATE INDEX "Recommendation_title_trgm_idx" ON "Recommendation" USING GIN ("title" gin_trgm_ops);
CREATE INDEX "Recommendation_agency_trgm_idx" ON "Recommendation" USING GIN ("agency" gin_trgm_ops);

-- A text of one or two characters has no trigram to look up (Chinese names are often two characters): for those,
-- the distinct characters and pairs of characters of the three fields, lowercased as ILIKE compares them, in a GIN
-- index (src/db/search.ts asks it with @>, then rechecks with ILIKE).
CREATE FUNCTION followup_short_grams(VARIADIC fields text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT COALESCE(array_agg(DISTINCT substr(lower(field), position, width)), '{}')
    FROM unnest(fields) AS field, generate_series(1, length(field)) AS position, (VALUES (1), (2)) AS widths(width)
    WHERE position + width - 1 <= length(field)
$$;
CREATE INDEX "Recommendation_short_grams_idx" ON "Recommendation"
    USING GIN (followup_short_grams("documentNumber", "title", "agency"));
