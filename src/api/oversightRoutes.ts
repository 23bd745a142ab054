import type { Express, Request, Response } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { Prisma } from '../generated/prisma/client';
import { addCalendarDays, shanghaiDate } from '../domain/dates';
import { DEADLINE_KINDS } from '../domain/deadlines';
import type { DeadlineState } from '../domain/lifecycle';
import {
  AGENCY_SORTING,
  agencySummaries,
  DOMAIN_SORTING,
  domainSummaries,
  DUE_SORTING,
  dueItems,
  HANDLER_SORTING,
  handlerSummaries,
  OVERDUE_SORTING,
  overdueItems,
  sortItems,
  type Sorting,
} from '../domain/oversight';
import { parse } from './errors';
import { notFound } from '../httpError';
import type { RouteDependencies } from './routeDependencies';
import type { Database } from '../db/client';
import { assignedScope, visibleRecommendation } from './access';
import { principal } from '../auth/authenticate';
import { calendarDate, errorResponse, page } from './schemas';
import { trailHtml, trailResponse, trailView } from './trail';

// ---- Queries

// Any list's sorting will do: only its key names are read.
const sortParam = <K extends string>(sorting: Sorting<never, K>) =>
  z
    .enum(Object.keys(sorting.keys) as [K, ...K[]])
    .default(sorting.defaultKey)
    .openapi({ description: `default ${sorting.defaultKey}` });
const listQuery = {
  order: z
    .enum(['asc', 'desc'])
    .optional()
    .openapi({ description: 'default: desc for counts and days overdue, asc for names, dates and days left' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};
const filter = (description: string) => z.string().optional().openapi({ description });
const procuratorate = filter('人民检察院');
const handler = filter('承办检察官');
const agency = filter('行政机关');
const domain = filter('法定领域 code');
const year = z.coerce
  .number()
  .int()
  .min(2000)
  .max(2100)
  .optional()
  .openapi({ description: 'the year the recommendations were issued (作出)' });

const overdueQuery = z
  .strictObject({ procuratorate, handler, agency, domain, sort: sortParam(OVERDUE_SORTING), ...listQuery })
  .openapi('OverdueQuery');
const dueQuery = z
  .strictObject({
    procuratorate,
    handler,
    agency,
    domain,
    withinDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(365)
      .default(7)
      .openapi({ description: 'due from today to today + withinDays' }),
    sort: sortParam(DUE_SORTING),
    ...listQuery,
  })
  .openapi('DueQuery');
const handlersQuery = z
  .strictObject({ procuratorate, agency, domain, sort: sortParam(HANDLER_SORTING), ...listQuery })
  .openapi('HandlersQuery');
const agenciesQuery = z
  .strictObject({ procuratorate, handler, domain, year, sort: sortParam(AGENCY_SORTING), ...listQuery })
  .openapi('AgenciesQuery');
const domainsQuery = z
  .strictObject({ procuratorate, handler, agency, year, sort: sortParam(DOMAIN_SORTING), ...listQuery })
  .openapi('DomainsQuery');

// ---- Responses

const deadlineItem = {
  recommendationId: z.string(),
  documentNumber: z.string().openapi({ description: '文号' }),
  agency: z.string(),
  handler: z.string(),
  domain: z.string(),
  domainLabel: z.string(),
  deadlineKind: z.enum(DEADLINE_KINDS),
  deadlineLabel: z.string(),
  dueDate: calendarDate,
};
const overdueItem = z.object({ ...deadlineItem, daysOverdue: z.number().int() }).openapi('OverdueDeadline');
const dueItem = z
  .object({ ...deadlineItem, daysLeft: z.number().int().openapi({ description: '0: due today' }) })
  .openapi('DueDeadline');
const handlerSummary = z
  .object({
    handler: z.string(),
    open: z.number().int().openapi({ description: 'recommendations not yet closed, withdrawn or in litigation' }),
    overdue: z.number().int().openapi({ description: 'recommendations with at least one deadline past due' }),
    issued: z.number().int(),
  })
  .openapi('HandlerSummary');
const agencySummary = z
  .object({
    agency: z.string(),
    received: z.number().int(),
    repliedOnTime: z.number().int(),
    repliedLate: z.number().int(),
    noReply: z.number().int().openapi({ description: 'the reply period ended with no reply' }),
    rectified: z.number().int().openapi({ description: 'closed as rectified or public interest protected' }),
    averageReplyDays: z
      .number()
      .nullable()
      .openapi({ description: 'mean days from service to reply, one decimal; null without replies' }),
  })
  .openapi('AgencySummary');
const domainSummary = z
  .object({
    domain: z.string(),
    domainLabel: z.string(),
    issued: z.number().int(),
    open: z.number().int(),
    overdue: z.number().int(),
    closed: z.number().int(),
    litigation: z.number().int(),
  })
  .openapi('DomainSummary');

// ---- Reading the read model

/** The filters every list takes; a year matches the date the recommendation was issued. */
async function recommendationsWhere(
  db: Database,
  res: Response,
  filters: { procuratorate?: string; handler?: string; agency?: string; domain?: string; year?: number },
): Promise<Prisma.RecommendationWhereInput> {
  const { year: issuedIn, ...columns } = filters;
  // Only what the user sees: their own, their department's, or their procuratorate's.
  const scope = await assignedScope(db, principal(res));
  return { AND: [scope, columns, issuedIn === undefined ? {} : { issuedAt: { startsWith: `${issuedIn}-` } }] };
}

const asDeadlines = (value: Prisma.JsonValue | null): DeadlineState[] => (value ?? []) as unknown as DeadlineState[];
const withDeadlines = <R extends { deadlines: Prisma.JsonValue | null }>(rows: R[]) =>
  rows.map((r) => ({ ...r, deadlines: asDeadlines(r.deadlines) }));

function pageOf<T>(sorted: T[], { limit, offset }: { limit: number; offset: number }) {
  return { items: sorted.slice(offset, offset + limit), total: sorted.length, limit, offset };
}

const deadlineRowColumns = {
  id: true,
  documentNumber: true,
  agency: true,
  handler: true,
  domain: true,
  status: true,
  deadlines: true,
} as const;

/** Oversight lists for supervisors, and the trail of one recommendation. */
export function registerOversightRoutes(app: Express, { db }: RouteDependencies): void {
  const today = () => shanghaiDate(Date.now());

  app.get('/api/oversight/overdue', async (req, res) => {
    const { sort, order, limit, offset, ...filters } = parse(overdueQuery, req.query);
    const now = today();
    // nextDueAt is the earliest open deadline: only a recommendation with it past can have one overdue.
    const rows = await db.recommendation.findMany({
      where: { ...(await recommendationsWhere(db, res, filters)), nextDueAt: { lt: now } },
      select: deadlineRowColumns,
    });
    const items = overdueItems(withDeadlines(rows), now);
    res.json(pageOf(sortItems(items, OVERDUE_SORTING, sort, order), { limit, offset }));
  });

  app.get('/api/oversight/due', async (req, res) => {
    const { withinDays, sort, order, limit, offset, ...filters } = parse(dueQuery, req.query);
    const now = today();
    const rows = await db.recommendation.findMany({
      where: {
        ...(await recommendationsWhere(db, res, filters)),
        nextDueAt: { lte: addCalendarDays(now, withinDays) },
      },
      select: deadlineRowColumns,
    });
    const items = dueItems(withDeadlines(rows), now, withinDays);
    res.json(pageOf(sortItems(items, DUE_SORTING, sort, order), { limit, offset }));
  });

  app.get('/api/oversight/handlers', async (req, res) => {
    const { sort, order, limit, offset, ...filters } = parse(handlersQuery, req.query);
    const now = today();
    const where = await recommendationsWhere(db, res, filters);
    // The counts come grouped from the database; only rows that may be overdue are read one by one.
    const [counts, candidates] = await Promise.all([
      db.recommendation.groupBy({ by: ['handler', 'status'], where, _count: { _all: true } }),
      db.recommendation.findMany({
        where: { ...where, nextDueAt: { lt: now } },
        select: { handler: true, status: true, deadlines: true },
      }),
    ]);
    const summaries = handlerSummaries(
      counts.map((c) => ({ handler: c.handler, status: c.status, count: c._count._all })),
      withDeadlines(candidates),
      now,
    );
    res.json(pageOf(sortItems(summaries, HANDLER_SORTING, sort, order), { limit, offset }));
  });

  app.get('/api/oversight/agencies', async (req, res) => {
    const { sort, order, limit, offset, ...filters } = parse(agenciesQuery, req.query);
    const rows = await db.recommendation.findMany({
      where: await recommendationsWhere(db, res, filters),
      select: { agency: true, servedAt: true, closeGround: true, deadlines: true },
    });
    const summaries = agencySummaries(withDeadlines(rows), today());
    res.json(pageOf(sortItems(summaries, AGENCY_SORTING, sort, order), { limit, offset }));
  });

  app.get('/api/oversight/domains', async (req, res) => {
    const { sort, order, limit, offset, ...filters } = parse(domainsQuery, req.query);
    const now = today();
    const where = await recommendationsWhere(db, res, filters);
    const [counts, candidates] = await Promise.all([
      db.recommendation.groupBy({ by: ['domain', 'status'], where, _count: { _all: true } }),
      db.recommendation.findMany({
        where: { ...where, nextDueAt: { lt: now } },
        select: { domain: true, status: true, deadlines: true },
      }),
    ]);
    const summaries = domainSummaries(
      counts.map((c) => ({ domain: c.domain, status: c.status, count: c._count._all })),
      withDeadlines(candidates),
      now,
    );
    res.json(pageOf(sortItems(summaries, DOMAIN_SORTING, sort, order), { limit, offset }));
  });

  async function trailOf(id: string) {
    const [recommendation, auditEntries] = await Promise.all([
      db.recommendation.findUnique({
        where: { id },
        select: {
          id: true,
          documentNumber: true,
          caseNumber: true,
          procuratorate: true,
          agency: true,
          handler: true,
          domain: true,
          title: true,
          issuedAt: true,
          servedAt: true,
          status: true,
          closeGround: true,
          deadlines: true,
          events: {
            orderBy: { sequence: 'asc' },
            select: { sequence: true, type: true, actor: true, occurredAt: true, data: true },
          },
        },
      }),
      db.auditEntry.findMany({
        where: { recommendationId: id },
        orderBy: { id: 'asc' },
        select: { id: true, type: true, actor: true, occurredAt: true, hash: true },
      }),
    ]);
    if (!recommendation) throw notFound(`recommendation ${id}`);
    const { events, ...particulars } = recommendation;
    const people = await db.person.findMany({
      where: { id: { in: [...new Set(events.map((e) => e.actor))] } },
      select: { id: true, name: true },
    });
    const names = new Map(people.map((p) => [p.id, p.name]));
    return trailView(
      {
        recommendation: { ...particulars, deadlines: asDeadlines(particulars.deadlines) },
        events,
        auditEntries,
        names,
      },
      new Date(),
    );
  }

  app.get('/api/recommendations/:id/trail', async (req: Request<{ id: string }>, res) => {
    await visibleRecommendation(db, principal(res), req.params.id);
    res.json(await trailOf(req.params.id));
  });

  app.get('/api/recommendations/:id/trail.html', async (req: Request<{ id: string }>, res) => {
    await visibleRecommendation(db, principal(res), req.params.id);
    res.type('html').send(trailHtml(await trailOf(req.params.id)));
  });
}

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const badQuery = { 400: json(errorResponse, 'invalid query: each bad parameter and why') };
const unknownRecommendation = { 404: json(errorResponse, 'no such recommendation') };
const idParam = z.object({ id: z.string().openapi({ description: 'recommendation id' }) });

export function documentOversightRoutes(registry: OpenAPIRegistry): void {
  const lists: [string, string, z.ZodObject, z.ZodType][] = [
    [
      '/api/oversight/overdue',
      '逾期 — each running deadline past its due date (a suspended review is not overdue)',
      overdueQuery,
      overdueItem,
    ],
    ['/api/oversight/due', '即将到期 — each running deadline due from today to today + withinDays', dueQuery, dueItem],
    [
      '/api/oversight/handlers',
      '按承办检察官 — open, overdue and issued recommendations per handler',
      handlersQuery,
      handlerSummary,
    ],
    [
      '/api/oversight/agencies',
      '按行政机关 — replies on time, late or missing, rectification and reply time per agency',
      agenciesQuery,
      agencySummary,
    ],
    [
      '/api/oversight/domains',
      '按法定领域 — issued, open, overdue, closed and litigation per statutory domain',
      domainsQuery,
      domainSummary,
    ],
  ];
  for (const [path, summary, query, item] of lists) {
    registry.registerPath({
      method: 'get',
      path,
      summary,
      request: { query },
      responses: { 200: json(page(item), 'a page'), ...badQuery },
    });
  }
  registry.registerPath({
    method: 'get',
    path: '/api/recommendations/{id}/trail',
    summary: '跟进记录 — particulars, how each deadline went, the history and the audit entries of one recommendation',
    request: { params: idParam },
    responses: { 200: json(trailResponse, 'the trail'), ...unknownRecommendation },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/recommendations/{id}/trail.html',
    summary: '跟进记录 as a printable Chinese page',
    request: { params: idParam },
    responses: {
      200: { description: 'the page', content: { 'text/html': { schema: z.string() } } },
      ...unknownRecommendation,
    },
  });
}
