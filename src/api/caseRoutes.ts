import { randomUUID } from 'node:crypto';
import type { Express, Request } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { withAuditRetry } from '../audit/log';
import {
  CASE_LAWSUIT_KINDS,
  CASE_TYPES,
  CLUE_SOURCES,
  CONSULTATION_OUTCOMES,
  HEARING_PARTICIPANT_CATEGORIES,
  LOOK_BACK_FINDINGS,
  noticeEndsOn,
  type CaseLawsuitKind,
  type CaseType,
  type ClueSource,
  type ConsultationOutcome,
  type HearingParticipantCategory,
  type LookBackFinding,
} from '../domain/cases';
import { STATUS_LABELS, type Status } from '../domain/lifecycle';
import { domainLabel } from '../domain/statutoryDomains';
import type {
  Case,
  CaseLawsuit,
  Consultation,
  Hearing,
  LookBack,
  Prisma,
  PublicNotice,
} from '../generated/prisma/client';
import {
  caseLawsuitBody,
  caseResponse,
  caseSummaryResponse,
  consultationBody,
  createCaseBody,
  hearingBody,
  listCasesQuery,
  listLookBacksQuery,
  lookBackBody,
  lookBackResponse,
  publicNoticeBody,
  type CaseResponse,
  type CaseSummaryResponse,
  type CreateCaseBody,
  type LookBackResponse,
} from './caseSchemas';
import { invalidInput, parse } from './errors';
import { HttpError, notFound } from '../httpError';
import type { RouteDependencies } from './routeDependencies';
import {
  assignableHandler,
  assignedScope,
  forbidden,
  ownProcuratorate,
  requireCaseOfficer,
  requirePermission,
  seesAssigned,
} from './access';
import { principal, type Principal } from '../auth/authenticate';
import { errorResponse, page } from './schemas';

type Tx = Prisma.TransactionClient;
type CaseAuditType =
  'case_filed' | 'consultation_recorded' | 'hearing_recorded' | 'public_notice_recorded' | 'case_lawsuit_filed';
type CaseParticulars = Omit<CreateCaseBody, 'id' | 'clueReceivedAt'> & { clueReceivedAt: string | null };

function caseSummaryView(row: Case): CaseSummaryResponse {
  return {
    id: row.id,
    procuratorate: row.procuratorate,
    caseNumber: row.caseNumber,
    type: row.type as CaseType,
    typeLabel: CASE_TYPES[row.type as CaseType],
    domain: row.domain,
    domainLabel: domainLabel(row.domain),
    title: row.title,
    clueSource: row.clueSource as ClueSource,
    clueSourceLabel: CLUE_SOURCES[row.clueSource as ClueSource],
    clueReceivedAt: row.clueReceivedAt,
    filedAt: row.filedAt,
    handler: row.handler,
    createdAt: row.createdAt.toISOString(),
  };
}

function lookBackView(row: LookBack): LookBackResponse {
  const finding = row.finding as LookBackFinding | null;
  return {
    id: row.id,
    caseId: row.caseId,
    recommendationId: row.recommendationId,
    dueOn: row.dueOn,
    pending: row.conductedOn === null,
    conductedOn: row.conductedOn,
    finding,
    findingLabel: finding && LOOK_BACK_FINDINGS[finding],
    notes: row.notes,
  };
}

/** In the vocabulary's order: PostgreSQL's jsonb does not keep the order keys were written in. */
function participantsView(counts: Partial<Record<HearingParticipantCategory, number>>) {
  return (Object.entries(HEARING_PARTICIPANT_CATEGORIES) as [HearingParticipantCategory, string][]).flatMap(
    ([category, label]) => {
      const count = counts[category];
      return count ? [{ category, label, count }] : [];
    },
  );
}

interface CaseContext {
  consultations: Consultation[];
  hearings: Hearing[];
  publicNotices: PublicNotice[];
  lawsuits: CaseLawsuit[];
  lookBacks: LookBack[];
  recommendations: { id: string; documentNumber: string; status: string }[];
}

function caseView(row: Case, context: CaseContext): CaseResponse {
  return {
    ...caseSummaryView(row),
    consultations: context.consultations.map(({ id, heldOn, agency, outcome, notes }) => ({
      id,
      heldOn,
      agency,
      outcome: outcome as ConsultationOutcome,
      outcomeLabel: CONSULTATION_OUTCOMES[outcome as ConsultationOutcome],
      notes,
    })),
    hearings: context.hearings.map(({ id, heldOn, participants, conclusion }) => ({
      id,
      heldOn,
      participants: participantsView(participants as Partial<Record<HearingParticipantCategory, number>>),
      conclusion,
    })),
    publicNotices: context.publicNotices.map(({ id, publishedOn, endsOn, outlet }) => ({
      id,
      publishedOn,
      endsOn,
      outlet,
    })),
    lawsuits: context.lawsuits.map(({ id, kind, filedAt, court }) => ({
      id,
      kind: kind as CaseLawsuitKind,
      kindLabel: CASE_LAWSUIT_KINDS[kind as CaseLawsuitKind],
      filedAt,
      court,
    })),
    lookBacks: context.lookBacks.map(lookBackView),
    recommendations: context.recommendations.map(({ id, documentNumber, status }) => ({
      id,
      documentNumber,
      status: status as Status,
      statusLabel: STATUS_LABELS[status as Status],
    })),
  };
}

/** A repeated create answers with the case it created; anything else clashing with a case is a 409. */
function repeatedCreate(existing: Case, requestedId: string | undefined, particulars: CaseParticulars): string {
  if (requestedId !== undefined && existing.id !== requestedId) {
    throw new HttpError(
      409,
      'conflict',
      `caseNumber ${particulars.caseNumber} is already used in ${particulars.procuratorate} by case ${existing.id}`,
    );
  }
  const same = (Object.keys(particulars) as (keyof CaseParticulars)[]).every(
    (field) => existing[field] === particulars[field],
  );
  if (!same) {
    const clash = requestedId === undefined ? `caseNumber ${particulars.caseNumber}` : `id ${requestedId}`;
    throw new HttpError(409, 'conflict', `${clash} is already used by case ${existing.id} with different particulars`);
  }
  return existing.id;
}

/** A record dated before its case was filed is a mistake in that field. */
function notBeforeFiling(filed: Case, field: string, date: string): void {
  if (date >= filed.filedAt) return;
  throw invalidInput(
    new z.ZodError([
      { code: 'custom', path: [field], message: `cannot be before the case was filed (${filed.filedAt})`, input: date },
    ]),
  );
}

function civilOnly(found: Case, what: string): void {
  if (found.type === 'civil') return;
  throw new HttpError(
    409,
    'civil_case_only',
    `case ${found.id} is ${found.type} (${CASE_TYPES[found.type as CaseType]}): ${what} belong to civil cases (${CASE_TYPES.civil}) only`,
  );
}

/** Cases (公益诉讼案件) with their consultations (磋商), hearings (公开听证), public notices, civil lawsuits, and look-backs (回头看). */
export function registerCaseRoutes(app: Express, { db }: RouteDependencies): void {
  /** The case if the user sees it (by its handler, as recommendations); 404 otherwise. */
  async function visibleCase(user: Principal, id: string): Promise<Case> {
    requireCaseOfficer(user);
    const found = await db.case.findUnique({ where: { id } });
    if (!found || !(await seesAssigned(db, user, found))) throw notFound(`case ${id}`);
    return found;
  }

  async function caseDetail(id: string): Promise<CaseResponse> {
    const row = await db.case.findUnique({
      where: { id },
      include: {
        consultations: { orderBy: [{ heldOn: 'asc' }, { id: 'asc' }] },
        hearings: { orderBy: [{ heldOn: 'asc' }, { id: 'asc' }] },
        publicNotices: { orderBy: [{ publishedOn: 'asc' }, { id: 'asc' }] },
        lawsuits: { orderBy: [{ filedAt: 'asc' }, { id: 'asc' }] },
      },
    });
    if (!row) throw notFound(`case ${id}`);
    // Recommendations name their case by (procuratorate, caseNumber); there is no foreign key.
    const recommendations = await db.recommendation.findMany({
      where: { procuratorate: row.procuratorate, caseNumber: row.caseNumber },
      select: { id: true, documentNumber: true, status: true },
      orderBy: [{ servedAt: 'asc' }, { createdAt: 'asc' }],
    });
    const lookBacks = await db.lookBack.findMany({
      where: { OR: [{ caseId: id }, { recommendationId: { in: recommendations.map((r) => r.id) } }] },
      orderBy: [{ dueOn: 'asc' }, { id: 'asc' }],
    });
    return caseView(row, { ...row, lookBacks, recommendations });
  }

  /** Writes a record on an existing case together with its audit entry. */
  async function recordOnCase(
    caseId: string,
    type: CaseAuditType,
    user: Principal,
    check: (found: Case) => void,
    write: (tx: Tx) => Promise<object>,
  ): Promise<void> {
    await visibleCase(user, caseId);
    requirePermission(user, 'act');
    const actor = user.id;
    await withAuditRetry(db, async (tx, audit) => {
      const found = await tx.case.findUnique({ where: { id: caseId } });
      if (!found) throw notFound(`case ${caseId}`);
      check(found);
      await audit({ type, actor, recommendationId: null, payload: await write(tx) });
    });
  }

  app.post('/api/cases', async (req, res) => {
    const user = principal(res);
    requirePermission(user, 'register');
    const { id: requestedId, clueReceivedAt, ...rest } = parse(createCaseBody, req.body);
    if (rest.procuratorate !== user.procuratorate) throw forbidden(`you file cases of ${user.procuratorate} only`);
    rest.handler = await assignableHandler(db, user, rest.handler);
    const actor = user.id;
    const particulars: CaseParticulars = { ...rest, clueReceivedAt: clueReceivedAt ?? null };
    // A concurrent create of the same case makes this transaction fail on a unique index; its retry finds the winner.
    const { id, created } = await withAuditRetry(db, async (tx, audit) => {
      const { procuratorate, caseNumber } = particulars;
      const byId = requestedId === undefined ? null : await tx.case.findUnique({ where: { id: requestedId } });
      const existing =
        byId ?? (await tx.case.findUnique({ where: { procuratorate_caseNumber: { procuratorate, caseNumber } } }));
      if (existing) return { id: repeatedCreate(existing, requestedId, particulars), created: false };
      const newId = requestedId ?? randomUUID();
      await tx.case.create({ data: { id: newId, ...particulars } });
      await audit({ type: 'case_filed', actor, recommendationId: null, payload: { id: newId, ...particulars } });
      return { id: newId, created: true };
    });
    res.status(created ? 201 : 200).json(await caseDetail(id));
  });

  app.get('/api/cases', async (req, res) => {
    const { limit, offset, year, ...filters } = parse(listCasesQuery, req.query);
    const where: Prisma.CaseWhereInput = {
      AND: [
        await assignedScope(db, principal(res)),
        filters,
        year ? { filedAt: { gte: `${year}-01-01`, lte: `${year}-12-31` } } : {},
      ],
    };
    const [items, total] = await Promise.all([
      db.case.findMany({ where, orderBy: [{ filedAt: 'desc' }, { id: 'asc' }], skip: offset, take: limit }),
      db.case.count({ where }),
    ]);
    res.json({ items: items.map(caseSummaryView), total, limit, offset });
  });

  app.get('/api/cases/:id', async (req: Request<{ id: string }>, res) => {
    await visibleCase(principal(res), req.params.id);
    res.json(await caseDetail(req.params.id));
  });

  app.post('/api/cases/:id/consultations', async (req: Request<{ id: string }>, res) => {
    const { notes, ...consultation } = parse(consultationBody, req.body);
    const caseId = req.params.id;
    await recordOnCase(
      caseId,
      'consultation_recorded',
      principal(res),
      (found) => notBeforeFiling(found, 'heldOn', consultation.heldOn),
      (tx) => tx.consultation.create({ data: { caseId, ...consultation, notes: notes || null } }),
    );
    res.status(201).json(await caseDetail(caseId));
  });

  app.post('/api/cases/:id/hearings', async (req: Request<{ id: string }>, res) => {
    const { ...hearing } = parse(hearingBody, req.body);
    const caseId = req.params.id;
    await recordOnCase(
      caseId,
      'hearing_recorded',
      principal(res),
      (found) => notBeforeFiling(found, 'heldOn', hearing.heldOn),
      (tx) => tx.hearing.create({ data: { caseId, ...hearing } }),
    );
    res.status(201).json(await caseDetail(caseId));
  });

  app.post('/api/cases/:id/public-notices', async (req: Request<{ id: string }>, res) => {
    const { ...notice } = parse(publicNoticeBody, req.body);
    const caseId = req.params.id;
    await recordOnCase(
      caseId,
      'public_notice_recorded',
      principal(res),
      (found) => {
        civilOnly(found, 'public notices (诉前公告, [R]91)');
        notBeforeFiling(found, 'publishedOn', notice.publishedOn);
      },
      (tx) => tx.publicNotice.create({ data: { caseId, ...notice, endsOn: noticeEndsOn(notice.publishedOn) } }),
    );
    res.status(201).json(await caseDetail(caseId));
  });

  app.post('/api/cases/:id/lawsuits', async (req: Request<{ id: string }>, res) => {
    const { ...lawsuit } = parse(caseLawsuitBody, req.body);
    const caseId = req.params.id;
    await recordOnCase(
      caseId,
      'case_lawsuit_filed',
      principal(res),
      (found) => {
        civilOnly(found, 'lawsuits filed on a case (administrative ones are filed on their recommendation)');
        notBeforeFiling(found, 'filedAt', lawsuit.filedAt);
      },
      (tx) => tx.caseLawsuit.create({ data: { caseId, ...lawsuit } }),
    );
    res.status(201).json(await caseDetail(caseId));
  });

  app.get('/api/look-backs', async (req, res) => {
    const user = principal(res);
    const { limit, offset, dueBefore, pending, ...query } = parse(listLookBacksQuery, req.query);
    const scope = await assignedScope(db, user);
    const procuratorate = ownProcuratorate(user, query.procuratorate);
    const where: Prisma.LookBackWhereInput = {
      ...(dueBefore ? { dueOn: { lte: dueBefore } } : {}),
      ...(pending === undefined ? {} : { conductedOn: pending ? null : { not: null } }),
    };
    // A look-back names its case, its recommendation, or both; the recommendation has no relation to join on.
    const ofRecommendations = await db.recommendation.findMany({
      where: { ...scope, procuratorate },
      select: { id: true },
    });
    where.OR = [
      { case: { ...scope, procuratorate } },
      { recommendationId: { in: ofRecommendations.map((r) => r.id) } },
    ];
    const [items, total] = await Promise.all([
      db.lookBack.findMany({ where, orderBy: [{ dueOn: 'asc' }, { id: 'asc' }], skip: offset, take: limit }),
      db.lookBack.count({ where }),
    ]);
    res.json({ items: items.map(lookBackView), total, limit, offset });
  });

  app.post('/api/look-backs/:id', async (req, res) => {
    const { id } = parse(z.object({ id: z.coerce.number().int().positive() }), req.params);
    const user = principal(res);
    const actor = user.id;
    const { notes, ...result } = parse(lookBackBody, req.body);
    const target = await db.lookBack.findUnique({ where: { id }, include: { case: true } });
    const recommendation = target?.recommendationId
      ? await db.recommendation.findUnique({ where: { id: target.recommendationId } })
      : null;
    const assigned = recommendation ?? target?.case;
    if (!assigned || !(await seesAssigned(db, user, assigned))) throw notFound(`look-back ${id}`);
    requirePermission(user, 'act');
    const recorded = await withAuditRetry(db, async (tx, audit) => {
      const found = await tx.lookBack.findUnique({ where: { id } });
      if (!found) throw notFound(`look-back ${id}`);
      // Conditional, so of two concurrent records only the first is kept.
      const { count } = await tx.lookBack.updateMany({
        where: { id, conductedOn: null },
        data: { ...result, notes: notes || null },
      });
      if (count === 0)
        throw new HttpError(
          409,
          'already_recorded',
          `look-back ${id} is already recorded as conducted${found.conductedOn ? ` on ${found.conductedOn}` : ''}`,
        );
      const lookBack = await tx.lookBack.findUniqueOrThrow({ where: { id } });
      await audit({
        type: 'look_back_recorded',
        actor,
        recommendationId: lookBack.recommendationId,
        payload: lookBack,
      });
      return lookBack;
    });
    res.json(lookBackView(recorded));
  });
}

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = (schema: z.ZodType) => ({ body: { content: { 'application/json': { schema } } } });
const invalid = json(errorResponse, 'invalid input: each bad field and why');
const unknownCase = json(errorResponse, 'no such case');
const caseIdParam = z.object({ id: z.string().openapi({ description: 'case id' }) });

export function documentCaseRoutes(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/cases',
    summary: '立案 — register a filed public-interest case',
    request: body(createCaseBody),
    responses: {
      201: json(caseResponse, 'created'),
      200: json(caseResponse, 'the same create repeated'),
      400: invalid,
      409: json(errorResponse, 'the id, or the caseNumber in this procuratorate, is already used by another case'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/cases',
    summary: 'list cases, latest filed first',
    request: { query: listCasesQuery },
    responses: { 200: json(page(caseSummaryResponse), 'a page'), 400: invalid },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/cases/{id}',
    summary: 'one case with its consultations, hearings, public notices, lawsuits, look-backs and recommendations',
    request: { params: caseIdParam },
    responses: { 200: json(caseResponse, 'the case'), 404: unknownCase },
  });
  const records = [
    {
      path: 'consultations',
      schema: consultationBody,
      summary: '磋商 — record a consultation with the agency',
      civilOnly: false,
    },
    { path: 'hearings', schema: hearingBody, summary: '公开听证 — record a public hearing', civilOnly: false },
    {
      path: 'public-notices',
      schema: publicNoticeBody,
      summary: '诉前公告 — record the public notice of a civil case; its end is computed',
      civilOnly: true,
    },
    {
      path: 'lawsuits',
      schema: caseLawsuitBody,
      summary: '起诉 — record a civil or criminal-incidental civil lawsuit',
      civilOnly: true,
    },
  ];
  for (const record of records) {
    registry.registerPath({
      method: 'post',
      path: `/api/cases/{id}/${record.path}`,
      summary: record.summary,
      request: { params: caseIdParam, ...body(record.schema) },
      responses: {
        201: json(caseResponse, 'recorded: the case as it now stands'),
        400: invalid,
        404: unknownCase,
        ...(record.civilOnly ? { 409: json(errorResponse, 'the case is administrative: civil cases only') } : {}),
      },
    });
  }
  registry.registerPath({
    method: 'get',
    path: '/api/look-backs',
    summary: '回头看 — look-backs scheduled after closure, earliest due first',
    request: { query: listLookBacksQuery },
    responses: { 200: json(page(lookBackResponse), 'a page'), 400: invalid },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/look-backs/{id}',
    summary: 'record a look-back as conducted, with its finding',
    request: { params: z.object({ id: z.string().openapi({ description: 'look-back id' }) }), ...body(lookBackBody) },
    responses: {
      200: json(lookBackResponse, 'recorded'),
      400: invalid,
      404: json(errorResponse, 'no such look-back'),
      409: json(errorResponse, 'already recorded'),
    },
  });
}
