-- The oversight lists of running deadlines (GET /api/oversight/due and /overdue, src/db/oversight.ts) took each row
-- whose earliest open deadline ("nextDueAt") came before the window's end, and picked its deadlines out of the JSON:
-- the due soon list read every overdue recommendation of the office too (a never-answered one stays overdue for
-- years), so it grew with the office. Each kind of deadline now has a column of its own holding its due date while
-- it is open (not met, not cancelled), NULL otherwise, copied from the deadlines JSON (the first of the kind,
-- wherever it stands) by the triggers of 0012, which now keep them too; an index led by the office and the column
-- reads one window of due dates in order. Outside schema.prisma: only SQL reads them.
ALTER TABLE "Recommendation" ADD COLUMN "superiorFilingOpenDueDate" TEXT;
ALTER TABLE "Recommendation" ADD COLUMN "replyOpenDueDate" TEXT;
ALTER TABLE "Recommendation" ADD COLUMN "reviewOpenDueDate" TEXT;

UPDATE "Recommendation" SET
    "superiorFilingOpenDueDate" = (SELECT CASE WHEN d.value->>'$.metOn' IS NULL AND COALESCE(d.value->>'$.cancelled', 0) = 0 THEN d.value->>'$.dueDate' END
        FROM json_each("Recommendation"."deadlines") AS d WHERE d.value->>'$.kind' = 'superior_filing' LIMIT 1),
    "replyOpenDueDate" = (SELECT CASE WHEN d.value->>'$.metOn' IS NULL AND COALESCE(d.value->>'$.cancelled', 0) = 0 THEN d.value->>'$.dueDate' END
        FROM json_each("Recommendation"."deadlines") AS d WHERE d.value->>'$.kind' = 'reply' LIMIT 1),
    "reviewOpenDueDate" = (SELECT CASE WHEN d.value->>'$.metOn' IS NULL AND COALESCE(d.value->>'$.cancelled', 0) = 0 THEN d.value->>'$.dueDate' END
        FROM json_each("Recommendation"."deadlines") AS d WHERE d.value->>'$.kind' = 'review' LIMIT 1)
WHERE "deadlines" IS NOT NULL;

-- 0012's triggers, set the new columns in the same update (one rewrite of the row per write, not two).
DROP TRIGGER "Recommendation_reply_insert";
DROP TRIGGER "Recommendation_reply_update";

CREATE TRIGGER "Recommendation_reply_insert" AFTER INSERT ON "Recommendation" WHEN NEW."deadlines" IS NOT NULL BEGIN
    UPDATE "Recommendation" SET ("replyDueDate", "replyMetOn", "replyLate", "replyCancelled", "replyOverdueNoticeRaised") = (
        SELECT d.value->>'$.dueDate', d.value->>'$.metOn', d.value->>'$.late', d.value->>'$.cancelled',
            d.value->>'$.overdueNoticeRaised'
        FROM json_each(NEW."deadlines") AS d WHERE d.value->>'$.kind' = 'reply' LIMIT 1),
    "superiorFilingOpenDueDate" = (SELECT CASE WHEN d.value->>'$.metOn' IS NULL AND COALESCE(d.value->>'$.cancelled', 0) = 0 THEN d.value->>'$.dueDate' END
        FROM json_each(NEW."deadlines") AS d WHERE d.value->>'$.kind' = 'superior_filing' LIMIT 1),
    "replyOpenDueDate" = (SELECT CASE WHEN d.value->>'$.metOn' IS NULL AND COALESCE(d.value->>'$.cancelled', 0) = 0 THEN d.value->>'$.dueDate' END
        FROM json_each(NEW."deadlines") AS d WHERE d.value->>'$.kind' = 'reply' LIMIT 1),
    "reviewOpenDueDate" = (SELECT CASE WHEN d.value->>'$.metOn' IS NULL AND COALESCE(d.value->>'$.cancelled', 0) = 0 THEN d.value->>'$.dueDate' END
        FROM json_each(NEW."deadlines") AS d WHERE d.value->>'$.kind' = 'review' LIMIT 1)
    WHERE "rowid" = NEW."rowid";
END;

CREATE TRIGGER "Recommendation_reply_update" AFTER UPDATE OF "deadlines" ON "Recommendation" BEGIN
    UPDATE "Recommendation" SET ("replyDueDate", "replyMetOn", "replyLate", "replyCancelled", "replyOverdueNoticeRaised") = (
        SELECT d.value->>'$.dueDate', d.value->>'$.metOn', d.value->>'$.late', d.value->>'$.cancelled',
            d.value->>'$.overdueNoticeRaised'
        FROM json_each(NEW."deadlines") AS d WHERE d.value->>'$.kind' = 'reply' LIMIT 1),
    "superiorFilingOpenDueDate" = (SELECT CASE WHEN d.value->>'$.metOn' IS NULL AND COALESCE(d.value->>'$.cancelled', 0) = 0 THEN d.value->>'$.dueDate' END
        FROM json_each(NEW."deadlines") AS d WHERE d.value->>'$.kind' = 'superior_filing' LIMIT 1),
    "replyOpenDueDate" = (SELECT CASE WHEN d.value->>'$.metOn' IS NULL AND COALESCE(d.value->>'$.cancelled', 0) = 0 THEN d.value->>'$.dueDate' END
        FROM json_each(NEW."deadlines") AS d WHERE d.value->>'$.kind' = 'reply' LIMIT 1),
    "reviewOpenDueDate" = (SELECT CASE WHEN d.value->>'$.metOn' IS NULL AND COALESCE(d.value->>'$.cancelled', 0) = 0 THEN d.value->>'$.dueDate' END
        FROM json_each(NEW."deadlines") AS d WHERE d.value->>'$.kind' = 'review' LIMIT 1)
    WHERE "rowid" = NEW."rowid";
END;

-- One office's open deadlines of a kind in due-date order: a window (due soon) or everything before today
-- (overdue) is one range, counted from the index alone. The review's carries the status, which stops its clock
-- while suspended.
CREATE INDEX "Recommendation_procuratorate_superiorFilingOpenDueDate_idx" ON "Recommendation"("procuratorate", "superiorFilingOpenDueDate");
CREATE INDEX "Recommendation_procuratorate_replyOpenDueDate_idx" ON "Recommendation"("procuratorate", "replyOpenDueDate");
CREATE INDEX "Recommendation_procuratorate_reviewOpenDueDate_status_idx" ON "Recommendation"("procuratorate", "reviewOpenDueDate", "status");
