-- The list's free text (q, src/db/search.ts) read from a trigram index rather than by a LIKE over the scope.
-- "RecommendationSearchText" (FTS5, trigram tokenizer, letters folded) holds the 文号, title and agency of each
-- recommendation, each followed by two U+0001, so that every occurrence of a text of one or two characters, even at
-- the end of a field, begins a trigram of the index (its vocabulary's terms starting with the text find them).
-- Its rowid is the recommendation's key in "RecommendationSearch": the office's number (from
-- "RecommendationSearchOffice") times 2^32 plus a count, so that one office's rows are one range of rowids, which the
-- index reads alone (its cost follows the office's matches, not the province's); a stable integer too, where the
-- recommendation's own rowid may be renumbered by VACUUM. Beside the key, createdAt: the tie-breaker of the list's
-- order, stored after the state JSON in the wide row. The triggers keep all three in step with "Recommendation",
-- whoever writes it (the API, the RecordedEvent trigger, the bench's seed). The index only narrows: the list checks
-- each candidate with today's match.
CREATE TABLE "RecommendationSearchOffice" (
    "number" INTEGER NOT NULL PRIMARY KEY,
    "procuratorate" TEXT NOT NULL
);
CREATE UNIQUE INDEX "RecommendationSearchOffice_procuratorate_key" ON "RecommendationSearchOffice"("procuratorate");

CREATE TABLE "RecommendationSearch" (
    "key" INTEGER NOT NULL PRIMARY KEY,
    "recommendationId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);
CREATE UNIQUE INDEX "RecommendationSearch_recommendationId_key" ON "RecommendationSearch"("recommendationId");

CREATE VIRTUAL TABLE "RecommendationSearchText" USING fts5("text", tokenize = 'trigram');
CREATE VIRTUAL TABLE "RecommendationSearchTerm" USING fts5vocab("RecommendationSearchText", 'row');

INSERT INTO "RecommendationSearchOffice" ("procuratorate")
    SELECT DISTINCT "procuratorate" FROM "Recommendation" ORDER BY "procuratorate";
INSERT INTO "RecommendationSearch" ("key", "recommendationId", "createdAt")
    SELECT o."number" * 4294967296 + ROW_NUMBER() OVER (PARTITION BY r."procuratorate" ORDER BY r."createdAt", r."id"),
        r."id", r."createdAt"
    FROM "Recommendation" r JOIN "RecommendationSearchOffice" o ON o."procuratorate" = r."procuratorate";
INSERT INTO "RecommendationSearchText" ("rowid", "text")
    SELECT s."key", r."documentNumber" || char(1, 1) || r."title" || char(1, 1) || r."agency" || char(1, 1)
    FROM "RecommendationSearch" s JOIN "Recommendation" r ON r."id" = s."recommendationId";

CREATE TRIGGER "Recommendation_search_insert" AFTER INSERT ON "Recommendation" BEGIN
    INSERT INTO "RecommendationSearchOffice" ("procuratorate") SELECT NEW."procuratorate"
    WHERE NOT EXISTS (SELECT 1 FROM "RecommendationSearchOffice" WHERE "procuratorate" = NEW."procuratorate");
    INSERT INTO "RecommendationSearch" ("key", "recommendationId", "createdAt")
    SELECT COALESCE((SELECT MAX(s."key") FROM "RecommendationSearch" s
            WHERE s."key" BETWEEN o."number" * 4294967296 AND o."number" * 4294967296 + 4294967295),
            o."number" * 4294967296) + 1,
        NEW."id", NEW."createdAt"
    FROM "RecommendationSearchOffice" o WHERE o."procuratorate" = NEW."procuratorate";
    INSERT INTO "RecommendationSearchText" ("rowid", "text")
    SELECT "key", NEW."documentNumber" || char(1, 1) || NEW."title" || char(1, 1) || NEW."agency" || char(1, 1)
    FROM "RecommendationSearch" WHERE "recommendationId" = NEW."id";
END;

-- Never done by the engine today (these never change): the entry is made again, under the office's range.
CREATE TRIGGER "Recommendation_search_update"
AFTER UPDATE OF "id", "documentNumber", "title", "agency", "procuratorate", "createdAt" ON "Recommendation" BEGIN
    DELETE FROM "RecommendationSearchText"
    WHERE "rowid" = (SELECT "key" FROM "RecommendationSearch" WHERE "recommendationId" = OLD."id");
    DELETE FROM "RecommendationSearch" WHERE "recommendationId" = OLD."id";
    INSERT INTO "RecommendationSearchOffice" ("procuratorate") SELECT NEW."procuratorate"
    WHERE NOT EXISTS (SELECT 1 FROM "RecommendationSearchOffice" WHERE "procuratorate" = NEW."procuratorate");
    INSERT INTO "RecommendationSearch" ("key", "recommendationId", "createdAt")
    SELECT COALESCE((SELECT MAX(s."key") FROM "RecommendationSearch" s
            WHERE s."key" BETWEEN o."number" * 4294967296 AND o."number" * 4294967296 + 4294967295),
            o."number" * 4294967296) + 1,
        NEW."id", NEW."createdAt"
    FROM "RecommendationSearchOffice" o WHERE o."procuratorate" = NEW."procuratorate";
    INSERT INTO "RecommendationSearchText" ("rowid", "text")
    SELECT "key", NEW."documentNumber" || char(1, 1) || NEW."title" || char(1, 1) || NEW."agency" || char(1, 1)
    FROM "RecommendationSearch" WHERE "recommendationId" = NEW."id";
END;

CREATE TRIGGER "Recommendation_search_delete" AFTER DELETE ON "Recommendation" BEGIN
    DELETE FROM "RecommendationSearchText"
    WHERE "rowid" = (SELECT "key" FROM "RecommendationSearch" WHERE "recommendationId" = OLD."id");
    DELETE FROM "RecommendationSearch" WHERE "recommendationId" = OLD."id";
END;
