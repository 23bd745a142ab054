import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Prisma, Recommendation } from '../../generated/prisma/client';
import { principal, type Principal } from '../../auth/authenticate';
import { hotStatements, providerOf, type Database } from '../../db/client';
import {
  countListed,
  listedRows,
  listWhere,
  postgresqlContaining,
  postgresqlShortTextSearch,
  sqliteContaining,
  sqliteTextSearch,
  type ListCriteria,
} from '../../db/search';
import { allowedActions } from '../../domain/allowedActions';
import { shanghaiDate } from '../../domain/dates';
import { needsApproval, type ActionName, type RecommendationState } from '../../domain/lifecycle';
import {
  assignableHandler,
  assignedScope,
  forbidden,
  requirePermission,
  seesAssigned,
  visibleRecommendation,
} from '../access';
import { parse } from '../errors';
import { languageOf } from '../language';
import { ERRORS, json, jsonBody, page } from '../schemas/common';
import {
  checkBody,
  closeBody,
  createRecommendationBody,
  decisionBody,
  lawsuitBody,
  listRecommendationsQuery,
  reasonBody,
  reassignBody,
  recommendationIdParam,
  recommendationResponse,
  replyBody,
  type RecommendationSortKey,
  resumeBody,
  superiorFilingBody,
} from '../schemas/recommendations';
import { recommendationView } from '../views/recommendations';
import type { RouteModule } from './routeModule';

/** Each act's path under /api/recommendations/:id, its body schema and its Update. */
export const ACTION_ROUTES: { path: string; action: ActionName; body: z.ZodType; summary: string }[] = [
  {
    path: 'superior-filing',
    action: 'recordSuperiorFiling',
    body: superiorFilingBody,
    summary: '记录报上一级院备案 — record filing with the higher procuratorate',
  },
  {
    path: 'reply',
    action: 'recordReply',
    body: replyBody,
    summary: '记录书面回复 — record the agency’s written reply (late replies are accepted and marked late)',
  },
  {
    path: 'checks',
    action: 'recordCheck',
    body: checkBody,
    summary: '记录跟进调查 — record a follow-up investigation of the rectification',
  },
  { path: 'close', action: 'close', body: closeBody, summary: '终结案件 — close the case on a ground' },
  { path: 'escalate', action: 'escalate', body: reasonBody, summary: '决定起诉 — decide to sue' },
  { path: 'lawsuit', action: 'fileLawsuit', body: lawsuitBody, summary: '提起行政公益诉讼 — record the lawsuit filed' },
  { path: 'suspend', action: 'suspend', body: reasonBody, summary: '中止审查 — suspend the review' },
  { path: 'resume', action: 'resume', body: resumeBody, summary: '恢复审查 — resume the review' },
  {
    path: 'extend-review',
    action: 'extendReview',
    body: reasonBody,
    summary: '延长审查起诉期限 — extend the review period by one month',
  },
  { path: 'withdraw', action: 'withdraw', body: reasonBody, summary: '撤回检察建议 — withdraw the recommendation' },
];

/** Registering recommendations, reading them, and acting on them: each as the authenticated user, within what they see. */
export const recommendationRoutes: RouteModule = {
  register(app, { db, lifecycle }) {
    /** What `user` may do on the row's recommendation now: read from its state, without asking the workflow. */
    const verdicts = (row: Recommendation, user: Principal) =>
      allowedActions(row.state as RecommendationState | null, user, shanghaiDate(Date.now()), lifecycle.rules);

    /** The recommendation for `user`, its refusal reasons in the language the request asks for. */
    async function detail(id: string, user: Principal, req: Request, res: Response) {
      const row = await hotStatements(db).recommendationWithEvents(id);
      if (!row) throw new Error(`recommendation ${id} has no row`);
      return recommendationView(row, verdicts(row, user), languageOf(req, res), row.events);
    }

    app.post('/api/recommendations', async (req, res) => {
      const user = principal(res);
      requirePermission(user, 'register');
      const { id: requestedId, procuratorate, handler, ...particulars } = parse(createRecommendationBody, req.body);
      if (procuratorate !== undefined && procuratorate !== user.procuratorate) {
        throw forbidden({
          en: `you register recommendations of ${user.procuratorate} only`,
          zh: `您只能登记${user.procuratorate}的检察建议`,
        });
      }
      const details = {
        ...particulars,
        procuratorate: user.procuratorate,
        handler: await assignableHandler(db, user, handler),
      };
      const { id, created } = await lifecycle.create(requestedId, details, user.id, (existing) =>
        seesAssigned(db, user, existing),
      );
      res.status(created ? 201 : 200).json(await detail(id, user, req, res));
    });

    app.get('/api/recommendations', async (req, res) => {
      const user = principal(res);
      const { limit, offset, q, department, dueAfter, dueBefore, awaitingApproval, sort, ...filters } = parse(
        listRecommendationsQuery,
        req.query,
      );
      const criteria: ListCriteria = {
        scope: await assignedScope(db, user),
        filters,
        handlers: department ? await membersOf(db, user.procuratorate, department) : undefined,
        dueAfter,
        dueBefore,
        awaitingApproval,
      };
      const [items, total] = await listPage(db, criteria, q, sort, { offset, limit });
      const language = languageOf(req, res);
      res.json({
        items: items.map((row) => recommendationView(row, verdicts(row, user), language)),
        total,
        limit,
        offset,
      });
    });

    app.get('/api/recommendations/:id', async (req: Request<{ id: string }>, res) => {
      const user = principal(res);
      await visibleRecommendation(db, user, req.params.id);
      res.json(await detail(req.params.id, user, req, res));
    });

    // Acts needing approval become proposals (202: awaiting the 检察长); the others take effect at once.
    for (const route of ACTION_ROUTES) {
      app.post(`/api/recommendations/:id/${route.path}`, async (req: Request<{ id: string }>, res) => {
        const user = principal(res);
        await visibleRecommendation(db, user, req.params.id);
        const proposal = needsApproval(route.action);
        requirePermission(user, proposal ? 'propose' : 'act');
        const input = parse(route.body, req.body ?? {}) as object;
        if (proposal) await lifecycle.propose(req.params.id, { action: route.action, input, actor: user.id } as never);
        else await lifecycle.act(req.params.id, route.action, { ...input, actor: user.id } as never);
        res.status(proposal ? 202 : 200).json(await detail(req.params.id, user, req, res));
      });
    }

    app.post('/api/recommendations/:id/decision', async (req: Request<{ id: string }>, res) => {
      const user = principal(res);
      await visibleRecommendation(db, user, req.params.id);
      requirePermission(user, 'decide');
      const { decision, reason } = parse(decisionBody, req.body ?? {});
      await lifecycle.decide(req.params.id, { approve: decision === 'approve', reason, actor: user.id });
      res.json(await detail(req.params.id, user, req, res));
    });

    app.post('/api/recommendations/:id/reassign', async (req: Request<{ id: string }>, res) => {
      const user = principal(res);
      await visibleRecommendation(db, user, req.params.id);
      requirePermission(user, 'reassign');
      const { handler, reason } = parse(reassignBody, req.body ?? {});
      await lifecycle.reassign(req.params.id, {
        handler: await assignableHandler(db, user, handler),
        reason,
        actor: user.id,
      });
      res.json(await detail(req.params.id, user, req, res));
    });
  },

  document(registry) {
    registry.registerPath({
      method: 'post',
      path: '/api/recommendations',
      summary: '发出检察建议 — register a served recommendation and start its lifecycle',
      request: jsonBody(createRecommendationBody),
      responses: {
        201: json(recommendationResponse, 'created'),
        200: json(recommendationResponse, 'the same create repeated'),
        ...ERRORS,
      },
    });
    registry.registerPath({
      method: 'get',
      path: '/api/recommendations',
      summary:
        'list the recommendations the caller sees, each with what the caller may do on it (allowedActions); earliest open deadline first unless sorted otherwise',
      request: { query: listRecommendationsQuery },
      responses: { 200: json(page(recommendationResponse), 'a page'), 400: ERRORS[400] },
    });
    registry.registerPath({
      method: 'get',
      path: '/api/recommendations/{id}',
      summary: 'one recommendation with its deadlines, history and what the caller may do on it (allowedActions)',
      request: { params: recommendationIdParam },
      responses: { 200: json(recommendationResponse, 'the recommendation'), 404: ERRORS[404] },
    });
    for (const route of ACTION_ROUTES) {
      const proposal = needsApproval(route.action);
      registry.registerPath({
        method: 'post',
        path: `/api/recommendations/{id}/${route.path}`,
        summary: proposal ? `${route.summary} (提请检察长审批: takes effect on approval)` : route.summary,
        request: { params: recommendationIdParam, ...jsonBody(route.body) },
        responses: proposal
          ? { 202: json(recommendationResponse, 'proposed: awaitingApproval shows it'), ...ERRORS }
          : { 200: json(recommendationResponse, 'the new state'), ...ERRORS },
      });
    }
    registry.registerPath({
      method: 'post',
      path: '/api/recommendations/{id}/decision',
      summary:
        "检察长审批 — approve the pending proposal (it takes effect now) or reject it with a reason; not one's own",
      request: { params: recommendationIdParam, ...jsonBody(decisionBody) },
      responses: { 200: json(recommendationResponse, 'the new state'), ...ERRORS },
    });
    registry.registerPath({
      method: 'post',
      path: '/api/recommendations/{id}/reassign',
      summary: '更换承办检察官 — hand the recommendation to another handler (部门负责人 or 检察长)',
      request: { params: recommendationIdParam, ...jsonBody(reassignBody) },
      responses: { 200: json(recommendationResponse, 'the new state'), ...ERRORS },
    });
  },
};

/** The ids of the procuratorate's people of `department`. */
async function membersOf(db: Database, procuratorate: string, department: string): Promise<string[]> {
  const people = await db.person.findMany({ where: { procuratorate, department }, select: { id: true } });
  return people.map((person) => person.id);
}

/**
 * A page of the list in its order: by the key, those without a value last on every database; equal ones in the
 * order they were registered (the reverse when descending), then by id, so that pages never overlap. The whole
 * order runs one way, so the database walks an index (forwards or backwards) for each part (the recommendations
 * with an open deadline, then those without) and reads the page, not the scope.
 */
async function listPage(
  db: Database,
  criteria: ListCriteria,
  q: string | undefined,
  sort: z.infer<typeof listRecommendationsQuery>['sort'],
  { offset, limit }: { offset: number; limit: number },
): Promise<[Recommendation[], number]> {
  const descending = sort.startsWith('-');
  const key = (descending ? sort.slice(1) : sort) as RecommendationSortKey;
  const direction = descending ? 'desc' : 'asc';
  let text: Prisma.RecommendationWhereInput = {};
  let knownTotal: number | undefined;
  const postgres = providerOf(db) === 'postgresql';
  if (q && postgres && [...q].length >= 3) text = postgresqlContaining(q);
  else if (q) {
    // Counted from the text's index (src/db/search.ts). The page too, unless (SQLite) the matches are so many that
    // walking the list's index and checking each row (about (offset + limit) × officeRows ÷ total rows) reads less.
    const search = postgres
      ? await postgresqlShortTextSearch(db, criteria, q)
      : await sqliteTextSearch(db, criteria, q);
    const like = postgres ? null : sqliteContaining(q);
    const { total, officeRows } = search;
    const walk = like !== null && officeRows !== undefined && total > 0 && (offset + limit) * officeRows < total ** 2;
    if (!walk) {
      const ids = await search.page({ key, direction }, { offset, limit });
      const rows = await db.recommendation.findMany({ where: { id: { in: ids } } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return [ids.flatMap((id) => byId.get(id) ?? []), search.total];
    }
    text = like;
    knownTotal = search.total;
  }
  const where: Prisma.RecommendationWhereInput = { AND: [listWhere(criteria), text] };
  const registered: Prisma.RecommendationOrderByWithRelationInput[] = [{ createdAt: direction }, { id: direction }];
  // Without a text to match, the criteria alone narrow the list: counted in plain SQL (src/db/search.ts).
  const total = knownTotal ?? (q ? db.recommendation.count({ where }) : countListed(db, criteria));
  // Without a text, the criteria are plain columns: the page by one raw statement (src/db/search.ts listedRows),
  // uncompiled, in the same order; PostgreSQL's deep pages keep their ids-first walk (findPage).
  const pageOf = (
    due: 'dated' | 'undated' | undefined,
    args: Parameters<typeof findPage>[1],
  ): Promise<Recommendation[]> =>
    !q && (!postgres || args.skip < DEEP_PAGE_OFFSET)
      ? listedRows(db, criteria, { key, direction, due }, { offset: args.skip, limit: args.take })
      : findPage(db, args);
  if (key !== 'nextDueAt') {
    const items = pageOf(undefined, {
      where,
      orderBy: [{ [key]: direction }, ...registered],
      skip: offset,
      take: limit,
    });
    return Promise.all([items, total]);
  }
  // Rather than ORDER BY (nextDueAt IS NULL), which no index serves: the dated ones, then the undated.
  const byDue: Prisma.RecommendationOrderByWithRelationInput[] = [{ nextDueAt: direction }, ...registered];
  const dated = { AND: [where, { nextDueAt: { not: null } }] };
  const datedPage = await pageOf('dated', { where: dated, orderBy: byDue, skip: offset, take: limit });
  if (datedPage.length === limit) return [datedPage, await total];
  // The dated ones end on this page (or before it): how many there are says where the undated ones start.
  const datedCount =
    datedPage.length > 0
      ? offset + datedPage.length
      : q
        ? await db.recommendation.count({ where: dated })
        : await countListed(db, criteria, { dated: true });
  const undatedPage = await pageOf('undated', {
    where: { AND: [where, { nextDueAt: null }] },
    // Ordered by nextDueAt too, all null here: PostgreSQL does not take `IS NULL` as fixing the column, and without
    // it sorted every finished row of the office (a top-N sort of 16k rows at 30k, spilling to disk past offset 3,000)
    // rather than walk the index, which holds them in this order.
    orderBy: byDue,
    skip: Math.max(0, offset - datedCount),
    take: limit - datedPage.length,
  });
  return [[...datedPage, ...undatedPage], await total];
}

/** Past this offset PostgreSQL reads a page's ids first (findPage). */
const DEEP_PAGE_OFFSET = 200;

/**
 * A page of rows. On PostgreSQL past the first pages, the page's ids first, walked in the index alone, then those
 * rows: an index scan visits the table for each row it skips (offset 1,000: 1,020 rows, 7 ms, against 0.4 ms for
 * the ids alone), which costs more than the second statement from about 200 rows on. SQLite skips rows in the index
 * without reading them already (offset 0 or 1,000: 0.7 ms at 100k).
 */
async function findPage(
  db: Database,
  args: { where: Prisma.RecommendationWhereInput; orderBy: Prisma.RecommendationOrderByWithRelationInput[] } & {
    skip: number;
    take: number;
  },
): Promise<Recommendation[]> {
  if (providerOf(db) !== 'postgresql' || args.skip < DEEP_PAGE_OFFSET) return db.recommendation.findMany(args);
  const ids = (await db.recommendation.findMany({ ...args, select: { id: true } })).map((row) => row.id);
  if (ids.length === 0) return [];
  const rows = await db.recommendation.findMany({ where: { id: { in: ids } } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
