-- The agency tally (GET /api/oversight/agencies, src/db/oversight.ts agencyCounts) reads each row's reply deadline:
-- picked out of the deadlines JSON that took json_each over the whole scope (0.5 s at 60k rows). Its fields now have
-- columns of their own, copied from the reply deadline (the first of kind reply, wherever it stands in the array) by
-- triggers whoever writes "deadlines" (the API, the RecordedEvent trigger, the bench's seed), so that an index led by
-- the office and the agency covers the tally. The columns hold the JSON's values as they are (NULL where absent);
-- "replyDueDate" is NULL exactly when the row has no reply deadline. Outside schema.prisma: only SQL reads them.
ALTER TABLE "Recommendation" ADD COLUMN "replyDueDate" TEXT;
ALTER TABLE "Recommendation" ADD COLUMN "replyMetOn" TEXT;
ALTER TABLE "Recommendation" ADD COLUMN "replyLate" BOOLEAN;
ALTER TABLE "Recommendation" ADD COLUMN "replyCancelled" BOOLEAN;
ALTER TABLE "Recommendation" ADD COLUMN "replyOverdueNoticeRaised" BOOLEAN;

UPDATE "Recommendation" SET ("replyDueDate", "replyMetOn", "replyLate", "replyCancelled", "replyOverdueNoticeRaised") = (
    SELECT d.value->>'$.dueDate', d.value->>'$.metOn', d.value->>'$.late', d.value->>'$.cancelled',
        d.value->>'$.overdueNoticeRaised'
    FROM json_each("Recommendation"."deadlines") AS d WHERE d.value->>'$.kind' = 'reply' LIMIT 1)
WHERE "deadlines" IS NOT NULL;

-- The update inside sets none of the columns these triggers watch, and recursive triggers are off anyway.
CREATE TRIGGER "Recommendation_reply_insert" AFTER INSERT ON "Recommendation" WHEN NEW."deadlines" IS NOT NULL BEGIN
    UPDATE "Recommendation" SET ("replyDueDate", "replyMetOn", "replyLate", "replyCancelled", "replyOverdueNoticeRaised") = (
        SELECT d.value->>'$.dueDate', d.value->>'$.metOn', d.value->>'$.late', d.value->>'$.cancelled',
            d.value->>'$.overdueNoticeRaised'
        FROM json_each(NEW."deadlines") AS d WHERE d.value->>'$.kind' = 'reply' LIMIT 1)
    WHERE "rowid" = NEW."rowid";
END;

CREATE TRIGGER "Recommendation_reply_update" AFTER UPDATE OF "deadlines" ON "Recommendation" BEGIN
    UPDATE "Recommendation" SET ("replyDueDate", "replyMetOn", "replyLate", "replyCancelled", "replyOverdueNoticeRaised") = (
        SELECT d.value->>'$.dueDate', d.value->>'$.metOn', d.value->>'$.late', d.value->>'$.cancelled',
            d.value->>'$.overdueNoticeRaised'
        FROM json_each(NEW."deadlines") AS d WHERE d.value->>'$.kind' = 'reply' LIMIT 1)
    WHERE "rowid" = NEW."rowid";
END;

-- Covers the tally: one office's rows in agency order, with every column it reads.
CREATE INDEX "Recommendation_procuratorate_agency_reply_idx" ON "Recommendation"("procuratorate", "agency",
    "replyDueDate", "replyMetOn", "replyLate", "replyCancelled", "replyOverdueNoticeRaised", "closeGround", "servedAt");

-- The annual report counts an office's events of a few types in a year: it looked them up once per recommendation
-- of the office (60k look-ups for the large one). Each event now carries its recommendation's office, copied by
-- triggers whoever writes the event (the RecordedEvent trigger, Prisma, the bench's seed; writers leave it out),
-- so that the index (procuratorate, type, occurredAt) reads one office's year alone: a small office's report does
-- not grow with the province's events.
ALTER TABLE "RecommendationEvent" ADD COLUMN "procuratorate" TEXT;

UPDATE "RecommendationEvent" SET "procuratorate" =
    (SELECT r."procuratorate" FROM "Recommendation" r WHERE r."id" = "RecommendationEvent"."recommendationId");

CREATE TRIGGER "RecommendationEvent_procuratorate_insert" AFTER INSERT ON "RecommendationEvent" BEGIN
    UPDATE "RecommendationEvent" SET "procuratorate" =
        (SELECT r."procuratorate" FROM "Recommendation" r WHERE r."id" = NEW."recommendationId")
    WHERE "rowid" = NEW."rowid";
END;

CREATE TRIGGER "Recommendation_procuratorate_events" AFTER UPDATE OF "procuratorate" ON "Recommendation" BEGIN
    UPDATE "RecommendationEvent" SET "procuratorate" = NEW."procuratorate" WHERE "recommendationId" = NEW."id";
END;

-- CreateIndex
CREATE INDEX "RecommendationEvent_procuratorate_type_occurredAt_idx" ON "RecommendationEvent"("procuratorate", "type", "occurredAt");
