-- The list's free text (q, src/db/search.ts) read from a trigram index rather than by a LIKE over the scope.
-- "RecommendationSearch" gives each recommendation a stable integer key (a table without INTEGER PRIMARY KEY may
-- have its rowids renumbered by VACUUM); "RecommendationSearchText" (FTS5, trigram tokenizer, letters folded) holds,
-- under that key, the 文号, title and agency, each followed by two U+0001: so that every occurrence of a text of one
-- or two characters, even at the end of a field, begins a trigram of the index (the vocabulary's terms starting with
-- it find them). The triggers keep both in step with "Recommendation", whoever writes it (the API, the RecordedEvent
-- trigger, the bench's seed). The index only narrows: the list checks each candidate with today's match.
CREATE TABLE "RecommendationSearch" (
    "key" INTEGER NOT NULL PRIMARY KEY,
    "recommendationId" TEXT NOT NULL
);
CREATE UNIQUE INDEX "RecommendationSearch_recommendationId_key" ON "RecommendationSearch"("recommendationId");

CREATE VIRTUAL TABLE "RecommendationSearchText" USING fts5("text", tokenize = 'trigram');
CREATE VIRTUAL TABLE "RecommendationSearchTerm" USING fts5vocab("RecommendationSearchText", 'row');

INSERT INTO "RecommendationSearch" ("recommendationId") SELECT "id" FROM "Recommendation" ORDER BY "createdAt", "id";
INSERT INTO "RecommendationSearchText" ("rowid", "text")
    SELECT s."key", r."documentNumber" || char(1, 1) || r."title" || char(1, 1) || r."agency" || char(1, 1)
    FROM "RecommendationSearch" s JOIN "Recommendation" r ON r."id" = s."recommendationId";

CREATE TRIGGER "Recommendation_search_insert" AFTER INSERT ON "Recommendation" BEGIN
    INSERT INTO "RecommendationSearch" ("recommendationId") VALUES (NEW."id");
    INSERT INTO "RecommendationSearchText" ("rowid", "text")
    VALUES (last_insert_rowid(), NEW."documentNumber" || char(1, 1) || NEW."title" || char(1, 1) || NEW."agency" || char(1, 1));
END;

CREATE TRIGGER "Recommendation_search_update" AFTER UPDATE OF "documentNumber", "title", "agency" ON "Recommendation" BEGIN
    UPDATE "RecommendationSearchText"
    SET "text" = NEW."documentNumber" || char(1, 1) || NEW."title" || char(1, 1) || NEW."agency" || char(1, 1)
    WHERE "rowid" = (SELECT "key" FROM "RecommendationSearch" WHERE "recommendationId" = NEW."id");
END;

CREATE TRIGGER "Recommendation_search_delete" AFTER DELETE ON "Recommendation" BEGIN
    DELETE FROM "RecommendationSearchText"
    WHERE "rowid" = (SELECT "key" FROM "RecommendationSearch" WHERE "recommendationId" = OLD."id");
    DELETE FROM "RecommendationSearch" WHERE "recommendationId" = OLD."id";
END;
