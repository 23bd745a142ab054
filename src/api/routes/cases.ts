import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Case, Prisma } from '../../generated/prisma/client';
import { withAuditRetry } from '../../audit/log';
import { principal, type Principal } from '../../auth/authenticate';
import { CASE_TYPES, noticeEndsOn, type CaseRegistration, type CaseType } from '../../domain/cases';
import { chineseDate } from '../../domain/language';
import { HttpError, notFound, unavailable } from '../../httpError';
import {
  assignableHandler,
  assignedScope,
  forbidden,
  requireCaseOfficer,
  requirePermission,
  seesAssigned,
} from '../access';
import { fieldError, parse } from '../errors';
import { ERRORS, errorResponse, json, jsonBody, page } from '../schemas/common';
import {
  caseIdParam,
  caseLawsuitBody,
  caseResponse,
  caseSummaryResponse,
  consultationBody,
  createCaseBody,
  hearingBody,
  listCasesQuery,
  publicNoticeBody,
  type CaseResponse,
} from '../schemas/cases';
import { caseSummaryView, caseView } from '../views/cases';
import type { RouteModule } from './routeModule';

type Tx = Prisma.TransactionClient;
type CaseAuditType =
  'case_filed' | 'consultation_recorded' | 'hearing_recorded' | 'public_notice_recorded' | 'case_lawsuit_filed';
type CaseParticulars = Omit<CaseRegistration, 'id' | 'clueReceivedAt'> & { clueReceivedAt: string | null };

/**
 * A repeated create answers with the case it created; anything else clashing with a case is a 409. A case the
 * caller does not see (another handler's, another procuratorate's) is named by nothing of its own: its id held
 * answers as any unavailable id, its 案号 taken as a plain conflict.
 */
function repeatedCreate(
  existing: Case,
  visible: boolean,
  requestedId: string | undefined,
  particulars: CaseParticulars,
): string {
  const { caseNumber, procuratorate } = particulars;
  if (!visible) {
    throw existing.id === requestedId
      ? unavailable({ en: `id ${requestedId}`, zh: `ID ${requestedId} ` })
      : new HttpError(409, 'conflict', {
          en: `caseNumber ${caseNumber} is already used in ${procuratorate}`,
          zh: `案号${caseNumber}在${procuratorate}已被使用`,
        });
  }
  if (requestedId !== undefined && existing.id !== requestedId) {
    throw new HttpError(409, 'conflict', {
      en: `caseNumber ${caseNumber} is already used in ${procuratorate} by case ${existing.id}`,
      zh: `案号${caseNumber}在${procuratorate}已被案件 ${existing.id} 使用`,
    });
  }
  const same = (Object.keys(particulars) as (keyof CaseParticulars)[]).every(
    (field) => existing[field] === particulars[field],
  );
  if (!same) {
    const clash = requestedId === undefined ? `caseNumber ${caseNumber}` : `id ${requestedId}`;
    const clashZh = requestedId === undefined ? `案号${caseNumber}` : `ID ${requestedId} `;
    throw new HttpError(409, 'conflict', {
      en: `${clash} is already used by case ${existing.id} with different particulars`,
      zh: `${clashZh}已被内容不同的案件 ${existing.id} 使用`,
    });
  }
  return existing.id;
}

/** A record dated before its case was filed is a mistake in that field. */
function notBeforeFiling(filed: Case, field: string, date: string): void {
  if (date >= filed.filedAt) return;
  throw fieldError(field, {
    en: `cannot be before the case was filed (${filed.filedAt})`,
    zh: `不能早于立案日期（${chineseDate(filed.filedAt)}）`,
  });
}

function civilOnly(found: Case, what: string): void {
  if (found.type === 'civil') return;
  throw new HttpError(409, 'civil_case_only', {
    en: `case ${found.id} is ${found.type} (${CASE_TYPES[found.type as CaseType]}): ${what} belong to civil cases (${CASE_TYPES.civil}) only`,
    zh: `案件 ${found.id} 是${CASE_TYPES[found.type as CaseType] ?? found.type}，此项仅适用于${CASE_TYPES.civil}`,
  });
}

/** Cases (公益诉讼案件) with their consultations (磋商), hearings (公开听证), public notices and civil lawsuits. */
export const caseRoutes: RouteModule = {
  register(app, { db }) {
    /** The case if the user sees it (by its handler, as recommendations); 404 otherwise. */
    async function visibleCase(user: Principal, id: string): Promise<Case> {
      requireCaseOfficer(user);
      const found = await db.case.findUnique({ where: { id } });
      if (!found || !(await seesAssigned(db, user, found))) throw notFound({ en: `case ${id}`, zh: `案件 ${id} ` });
      return found;
    }

    /** The case with its context; of the recommendations naming it, only those the user sees, and their look-backs. */
    async function caseDetail(user: Principal, id: string): Promise<CaseResponse> {
      const row = await db.case.findUnique({
        where: { id },
        include: {
          consultations: { orderBy: [{ heldOn: 'asc' }, { id: 'asc' }] },
          hearings: { orderBy: [{ heldOn: 'asc' }, { id: 'asc' }] },
          publicNotices: { orderBy: [{ publishedOn: 'asc' }, { id: 'asc' }] },
          lawsuits: { orderBy: [{ filedAt: 'asc' }, { id: 'asc' }] },
        },
      });
      if (!row) throw notFound({ en: `case ${id}`, zh: `案件 ${id} ` });
      // Recommendations name their case by (procuratorate, caseNumber); there is no foreign key. Anyone may file
      // a case under a 案号 that another handler's recommendation carries: that one stays theirs.
      const recommendations = await db.recommendation.findMany({
        where: {
          AND: [await assignedScope(db, user), { procuratorate: row.procuratorate, caseNumber: row.caseNumber }],
        },
        select: { id: true, documentNumber: true, status: true },
        orderBy: [{ servedAt: 'asc' }, { createdAt: 'asc' }],
      });
      // A look-back of a recommendation belongs to that recommendation, even when it also names this case.
      const lookBacks = await db.lookBack.findMany({
        where: {
          OR: [{ caseId: id, recommendationId: null }, { recommendationId: { in: recommendations.map((r) => r.id) } }],
        },
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
        if (!found) throw notFound({ en: `case ${caseId}`, zh: `案件 ${caseId} ` });
        check(found);
        await audit({ type, actor, recommendationId: null, payload: await write(tx) });
      });
    }

    app.post('/api/cases', async (req, res) => {
      const user = principal(res);
      requirePermission(user, 'register');
      const { id: requestedId, clueReceivedAt, ...rest } = parse(createCaseBody, req.body);
      if (rest.procuratorate !== user.procuratorate)
        throw forbidden({
          en: `you file cases of ${user.procuratorate} only`,
          zh: `您只能为${user.procuratorate}立案`,
        });
      rest.handler = await assignableHandler(db, user, rest.handler);
      const actor = user.id;
      const particulars: CaseParticulars = { ...rest, clueReceivedAt: clueReceivedAt ?? null };
      // A concurrent create of the same case makes this transaction fail on a unique index; its retry finds the winner.
      const outcome = await withAuditRetry<{ existing: Case } | { created: string }>(db, async (tx, audit) => {
        const { procuratorate, caseNumber } = particulars;
        const byId = requestedId === undefined ? null : await tx.case.findUnique({ where: { id: requestedId } });
        const existing =
          byId ?? (await tx.case.findUnique({ where: { procuratorate_caseNumber: { procuratorate, caseNumber } } }));
        if (existing) return { existing };
        const newId = requestedId ?? randomUUID();
        await tx.case.create({ data: { id: newId, ...particulars } });
        await audit({ type: 'case_filed', actor, recommendationId: null, payload: { id: newId, ...particulars } });
        return { created: newId };
      });
      if ('created' in outcome) {
        res.status(201).json(await caseDetail(user, outcome.created));
        return;
      }
      const visible = await seesAssigned(db, user, outcome.existing);
      const id = repeatedCreate(outcome.existing, visible, requestedId, particulars);
      res.status(200).json(await caseDetail(user, id));
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
      const user = principal(res);
      await visibleCase(user, req.params.id);
      res.json(await caseDetail(user, req.params.id));
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
      res.status(201).json(await caseDetail(principal(res), caseId));
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
      res.status(201).json(await caseDetail(principal(res), caseId));
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
      res.status(201).json(await caseDetail(principal(res), caseId));
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
      res.status(201).json(await caseDetail(principal(res), caseId));
    });
  },

  document(registry) {
    const unknownCase = json(errorResponse, 'no such case');
    registry.registerPath({
      method: 'post',
      path: '/api/cases',
      summary: '立案 — register a filed public-interest case',
      request: jsonBody(createCaseBody),
      responses: {
        201: json(caseResponse, 'created'),
        200: json(caseResponse, 'the same create repeated'),
        400: ERRORS[400],
        409: json(
          errorResponse,
          'the id, or the caseNumber in this procuratorate, is already used by another case (named only if the caller sees it)',
        ),
      },
    });
    registry.registerPath({
      method: 'get',
      path: '/api/cases',
      summary: 'list cases, latest filed first',
      request: { query: listCasesQuery },
      responses: { 200: json(page(caseSummaryResponse), 'a page'), 400: ERRORS[400] },
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
        request: { params: caseIdParam, ...jsonBody(record.schema) },
        responses: {
          201: json(caseResponse, 'recorded: the case as it now stands'),
          400: ERRORS[400],
          404: unknownCase,
          ...(record.civilOnly ? { 409: json(errorResponse, 'the case is administrative: civil cases only') } : {}),
        },
      });
    }
  },
};
