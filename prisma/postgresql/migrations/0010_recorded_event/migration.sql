-- Recording a lifecycle event in one statement: INSERT INTO "RecordedEvent" writes the recommendation's row (if the
-- API has not), the event, its audit entry on the three chains and the projection, atomically, and idempotently
-- by (recommendation, sequence) and the audit key. Appends queue on the audit log's advisory lock, taken in the
-- same order as src/audit/log.ts (after the row and the event), and the trigger function, being VOLATILE, reads
-- the chains' heads with a snapshot taken after the lock: no other append can come between. The engine computes
-- the entry's canonical JSON (src/audit/chain.ts). An entry the general path must write (the procuratorate's
-- chain has entries not yet chained, or the row names another procuratorate) raises
-- RECORD_EVENT_NEEDS_GENERAL_PATH with nothing written.
CREATE VIEW "RecordedEvent" AS SELECT
    NULL::text AS "recommendationId", NULL::text AS "workflowId", NULL::text AS "procuratorate",
    NULL::text AS "documentNumber", NULL::text AS "caseNumber", NULL::text AS "domain", NULL::text AS "agency",
    NULL::text AS "detailsHandler", NULL::text AS "title", NULL::jsonb AS "measures", NULL::text AS "issuedAt",
    NULL::text AS "servedAt", NULL::boolean AS "urgent", NULL::boolean AS "announcedService",
    NULL::text AS "detailsReplyDueAt", NULL::text AS "initialStatus",
    NULL::integer AS "sequence", NULL::text AS "type", NULL::text AS "actor", NULL::timestamp(3) AS "occurredAt",
    NULL::jsonb AS "data",
    NULL::text AS "auditKey", NULL::text AS "auditFields", NULL::text AS "auditFieldsOfProcuratorate",
    NULL::text AS "status", NULL::text AS "handler", NULL::text AS "awaitingApproval", NULL::text AS "closeGround",
    NULL::text AS "replyDueAt", NULL::text AS "reviewDueAt", NULL::text AS "nextDueAt", NULL::text AS "nextDueKind",
    NULL::jsonb AS "deadlines", NULL::jsonb AS "state", NULL::integer AS "stateSequence",
    NULL::timestamp(3) AS "recordedAt"
WHERE false;

CREATE FUNCTION "followup_record_event"() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    "rowProcuratorate" text;
    "globalHead" text;
    "recommendationHead" text;
    "procuratorateHead" text;
    "procuratorateHasEntries" boolean;
BEGIN
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

    -- src/audit/log.ts AUDIT_LOCK.
    PERFORM pg_advisory_xact_lock(1635087476);
    IF NOT EXISTS (SELECT 1 FROM "AuditEntry" WHERE "key" = NEW."auditKey") THEN
        SELECT "procuratorate" INTO "rowProcuratorate" FROM "Recommendation" WHERE "id" = NEW."recommendationId";
        SELECT "procuratorateHash", true INTO "procuratorateHead", "procuratorateHasEntries" FROM "AuditEntry"
            WHERE "procuratorate" = NEW."procuratorate" ORDER BY "id" DESC LIMIT 1;
        IF "rowProcuratorate" IS DISTINCT FROM NEW."procuratorate"
           OR ("procuratorateHasEntries" AND "procuratorateHead" IS NULL) THEN
            RAISE EXCEPTION 'RECORD_EVENT_NEEDS_GENERAL_PATH';
        END IF;
        "procuratorateHead" := COALESCE("procuratorateHead", '');
        "globalHead" := COALESCE((SELECT "hash" FROM "AuditEntry" ORDER BY "id" DESC LIMIT 1), '');
        "recommendationHead" := COALESCE((SELECT "recommendationHash" FROM "AuditEntry"
            WHERE "recommendationId" = NEW."recommendationId" ORDER BY "id" DESC LIMIT 1), '');
        INSERT INTO "AuditEntry" ("key", "recommendationId", "type", "actor", "occurredAt", "payload", "previousHash",
            "hash", "recommendationPrevHash", "recommendationHash", "procuratorate", "procuratoratePrevHash",
            "procuratorateHash")
        VALUES (NEW."auditKey", NEW."recommendationId", NEW."type", NEW."actor", NEW."occurredAt", NEW."data",
            "globalHead", encode(sha256(convert_to("globalHead" || E'\n' || NEW."auditFields", 'UTF8')), 'hex'),
            "recommendationHead",
            encode(sha256(convert_to("recommendationHead" || E'\n' || NEW."auditFields", 'UTF8')), 'hex'),
            NEW."procuratorate", "procuratorateHead",
            encode(sha256(convert_to("procuratorateHead" || E'\n' || NEW."auditFieldsOfProcuratorate", 'UTF8')), 'hex'));
    END IF;

    UPDATE "Recommendation" SET "status" = NEW."status", "handler" = NEW."handler",
        "awaitingApproval" = NEW."awaitingApproval", "closeGround" = NEW."closeGround", "replyDueAt" = NEW."replyDueAt",
        "reviewDueAt" = NEW."reviewDueAt", "nextDueAt" = NEW."nextDueAt", "nextDueKind" = NEW."nextDueKind",
        "deadlines" = NEW."deadlines", "state" = NEW."state", "sequence" = NEW."stateSequence",
        "updatedAt" = NEW."recordedAt"
    WHERE "id" = NEW."recommendationId" AND "sequence" < NEW."stateSequence";
    RETURN NEW;
END
$$;

CREATE TRIGGER "RecordedEvent_record" INSTEAD OF INSERT ON "RecordedEvent"
    FOR EACH ROW EXECUTE FUNCTION "followup_record_event"();
