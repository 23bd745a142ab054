import type { Response } from 'express';
import type { Database } from '../../db/client';
import type { Prisma } from '../../generated/prisma/client';
import { principal } from '../../auth/authenticate';
import { addCalendarDays, shanghaiDate } from '../../domain/dates';
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
} from '../../domain/oversight';
import { assignedScope } from '../access';
import { parse } from '../errors';
import { errorResponse, json, page } from '../schemas/common';
import {
  agenciesQuery,
  agencySummary,
  domainsQuery,
  domainSummary,
  dueItem,
  dueQuery,
  handlersQuery,
  handlerSummary,
  overdueItem,
  overdueQuery,
} from '../schemas/oversight';
import { asDeadlines } from '../views/recommendations';
import type { RouteModule } from './routeModule';

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

/** Oversight lists for supervisors: deadlines overdue or due soon, and tallies per handler, agency and domain. */
export const oversightRoutes: RouteModule = {
  register(app, { db }) {
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
  },

  document(registry) {
    const badQuery = { 400: json(errorResponse, 'invalid query: each bad parameter and why') };
    const lists = [
      [
        '/api/oversight/overdue',
        '逾期 — each running deadline past its due date (a suspended review is not overdue)',
        overdueQuery,
        overdueItem,
      ],
      [
        '/api/oversight/due',
        '即将到期 — each running deadline due from today to today + withinDays',
        dueQuery,
        dueItem,
      ],
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
    ] as const;
    for (const [path, summary, query, item] of lists) {
      registry.registerPath({
        method: 'get',
        path,
        summary,
        request: { query },
        responses: { 200: json(page(item), 'a page'), ...badQuery },
      });
    }
  },
};
