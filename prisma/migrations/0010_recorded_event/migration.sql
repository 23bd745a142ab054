-- Recording a lifecycle event in one statement: INSERT INTO "RecordedEvent" writes the recommendation's row (if the
-- API has not), the event, its audit entry on the three chains and the projection, atomically, and idempotently
-- by (recommendation, sequence) and the audit key. The chains' heads are read inside the statement, which holds
-- SQLite's write lock from its start, so no other append can come between. The engine computes the entry's
-- canonical JSON (src/audit/chain.ts); followup_sha256 is registered on each connection by src/db/recordedEvent.ts.
-- An entry the general path must write (the procuratorate's chain has entries not yet chained, or the row names
-- another procuratorate) aborts the statement with RECORD_EVENT_NEEDS_GENERAL_PATH and nothing written.
CREATE VIEW "RecordedEvent" AS SELECT
    NULL AS "recommendationId", NULL AS "workflowId", NULL AS "procuratorate", NULL AS "documentNumber",
    NULL AS "caseNumber", NULL AS "domain", NULL AS "agency", NULL AS "detailsHandler", NULL AS "title",
    NULL AS "measures", NULL AS "issuedAt", NULL AS "servedAt", NULL AS "urgent", NULL AS "announcedService",
    NULL AS "detailsReplyDueAt", NULL AS "initialStatus",
    NULL AS "sequence", NULL AS "type", NULL AS "actor", NULL AS "occurredAt", NULL AS "data",
    NULL AS "auditKey", NULL AS "auditFields", NULL AS "auditFieldsOfProcuratorate",
    NULL AS "status", NULL AS "handler", NULL AS "awaitingApproval", NULL AS "closeGround", NULL AS "replyDueAt",
    NULL AS "reviewDueAt", NULL AS "nextDueAt", NULL AS "nextDueKind", NULL AS "deadlines", NULL AS "state",
    NULL AS "stateSequence", NULL AS "recordedAt"
WHERE 0;

CREATE TRIGGER "RecordedEvent_record" INSTEAD OF INSERT ON "RecordedEvent" BEGIN
    INSERT INTO "Recommendation" ("id", "workflowId", "procuratorate", "documentNumber", "caseNumber", "domain",
        "agency", "handler", "title", "measures", "issuedAt", "servedAt", "urgent", "announcedService", "replyDueAt",
        "status", "createdAt", "updatedAt")
    VALUES (NEW."recommendationId", NEW."workflowId", NEW."procuratorate", NEW."documentNumber", NEW."caseNumber",
        NEW."domain", NEW."agency", NEW."detailsHandler", NEW."title", NEW."measures", NEW."issuedAt", NEW."servedAt",
        NEW."urgent", NEW."announcedService", NEW."detailsReplyDueAt", NEW."initialStatus", NEW."recordedAt",
        NEW."recordedAt")
    ON CONFLICT ("id") DO NOTHING;

    INSERT INTO "RecommendationEvent" ("recommendationId", "sequence", "type", "actor", "occurredAt", "data", "recordedAt")
    VALUES (NEW."recommendationId", NEW."sequence", NEW."type", NEW."actor", NEW."occurredAt", NEW."data", NEW."recordedAt")
    ON CONFLICT ("recommendationId", "sequence") DO NOTHING;

    SELECT RAISE(ABORT, 'RECORD_EVENT_NEEDS_GENERAL_PATH')
    WHERE NOT EXISTS (SELECT 1 FROM "AuditEntry" WHERE "key" = NEW."auditKey")
      AND ((SELECT "procuratorate" FROM "Recommendation" WHERE "id" = NEW."recommendationId") IS NOT NEW."procuratorate"
        OR EXISTS (SELECT 1 FROM (SELECT "procuratorateHash" FROM "AuditEntry" WHERE "procuratorate" = NEW."procuratorate"
                                  ORDER BY "id" DESC LIMIT 1) AS "last" WHERE "last"."procuratorateHash" IS NULL));

    INSERT INTO "AuditEntry" ("key", "recommendationId", "type", "actor", "occurredAt", "payload", "previousHash", "hash",
        "recommendationPrevHash", "recommendationHash", "procuratorate", "procuratoratePrevHash", "procuratorateHash")
    SELECT NEW."auditKey", NEW."recommendationId", NEW."type", NEW."actor", NEW."occurredAt", NEW."data",
        "head"."global", followup_sha256("head"."global" || char(10) || NEW."auditFields"),
        "head"."recommendation", followup_sha256("head"."recommendation" || char(10) || NEW."auditFields"),
        NEW."procuratorate", "head"."procuratorate",
        followup_sha256("head"."procuratorate" || char(10) || NEW."auditFieldsOfProcuratorate")
    FROM (SELECT
        COALESCE((SELECT "hash" FROM "AuditEntry" ORDER BY "id" DESC LIMIT 1), '') AS "global",
        COALESCE((SELECT "recommendationHash" FROM "AuditEntry" WHERE "recommendationId" = NEW."recommendationId"
                  ORDER BY "id" DESC LIMIT 1), '') AS "recommendation",
        COALESCE((SELECT "procuratorateHash" FROM "AuditEntry" WHERE "procuratorate" = NEW."procuratorate"
                  ORDER BY "id" DESC LIMIT 1), '') AS "procuratorate") AS "head"
    WHERE NOT EXISTS (SELECT 1 FROM "AuditEntry" WHERE "key" = NEW."auditKey");

    UPDATE "Recommendation" SET "status" = NEW."status", "handler" = NEW."handler",
        "awaitingApproval" = NEW."awaitingApproval", "closeGround" = NEW."closeGround", "replyDueAt" = NEW."replyDueAt",
        "reviewDueAt" = NEW."reviewDueAt", "nextDueAt" = NEW."nextDueAt", "nextDueKind" = NEW."nextDueKind",
        "deadlines" = NEW."deadlines", "state" = NEW."state", "sequence" = NEW."stateSequence",
        "updatedAt" = NEW."recordedAt"
    WHERE "id" = NEW."recommendationId" AND "sequence" < NEW."stateSequence";
END;
