import type { Response } from 'express';
import type { Database } from '../../db/client';
import type { Prisma } from '../../generated/prisma/client';
import { principal } from '../../auth/authenticate';
import { addCalendarDays, shanghaiDate } from '../../domain/dates';
import {
  AGENCY_SORTING,
  agencySummaryOfCounts,
  DOMAIN_SORTING,
  domainSummariesOfCounts,
  DUE_SORTING,
  dueItemOf,
  HANDLER_SORTING,
  handlerSummariesOfCounts,
  OVERDUE_SORTING,
  overdueItemOf,
  sortItems,
  type SortOrder,
} from '../../domain/oversight';
import { agencyCounts, deadlineListingsPage, overdueCounts, type OversightScope } from '../../db/oversight';
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
import type { RouteModule } from './routeModule';

/**
 * Whose recommendations a list reads: what the user sees (their own, their department's, or their procuratorate's),
 * and the filters it takes; a year matches the date the recommendation was issued.
 */
async function oversightScope(
  db: Database,
  res: Response,
  filters: OversightScope['filters'],
): Promise<OversightScope> {
  const { procuratorate, handler } = await assignedScope(db, principal(res));
  return { procuratorate, scopeHandler: handler, filters };
}

/** The same as a Prisma filter, for the counts grouped by status. */
function recommendationsWhere(scope: OversightScope): Prisma.RecommendationWhereInput {
  const { year: issuedIn, ...columns } = scope.filters;
  const assigned = {
    procuratorate: scope.procuratorate,
    ...(scope.scopeHandler ? { handler: scope.scopeHandler } : {}),
  };
  return { AND: [assigned, columns, issuedIn === undefined ? {} : { issuedAt: { startsWith: `${issuedIn}-` } }] };
}

function pageOf<T>(sorted: T[], { limit, offset }: { limit: number; offset: number }) {
  return { items: sorted.slice(offset, offset + limit), total: sorted.length, limit, offset };
}

/**
 * The due date's order that a deadline list's sort key follows, if it follows one (days overdue run against it);
 * names sort in pinyin, which the database does not know.
 */
function dueDateOrder(key: string, order: SortOrder): SortOrder | undefined {
  if (key === 'daysOverdue') return order === 'desc' ? 'asc' : 'desc';
  return key === 'dueDate' || key === 'daysLeft' ? order : undefined;
}

/** Oversight lists for supervisors: deadlines overdue or due soon, and tallies per handler, agency and domain. */
export const oversightRoutes: RouteModule = {
  register(app, { db }) {
    const today = () => shanghaiDate(Date.now());

    app.get('/api/oversight/overdue', async (req, res) => {
      const { sort, order, limit, offset, ...filters } = parse(overdueQuery, req.query);
      const now = today();
      const { items, total } = await deadlineListingsPage(
        db,
        await oversightScope(db, res, filters),
        { before: now },
        { offset, limit },
        dueDateOrder(sort, order ?? OVERDUE_SORTING.keys[sort].defaultOrder),
        (listings) =>
          sortItems(
            listings.map((listing) => overdueItemOf(listing, now)),
            OVERDUE_SORTING,
            sort,
            order,
          ),
      );
      res.json({ items, total, limit, offset });
    });

    app.get('/api/oversight/due', async (req, res) => {
      const { withinDays, sort, order, limit, offset, ...filters } = parse(dueQuery, req.query);
      const now = today();
      const { items, total } = await deadlineListingsPage(
        db,
        await oversightScope(db, res, filters),
        { from: now, to: addCalendarDays(now, withinDays) },
        { offset, limit },
        dueDateOrder(sort, order ?? DUE_SORTING.keys[sort].defaultOrder),
        (listings) =>
          sortItems(
            listings.map((listing) => dueItemOf(listing, now)),
            DUE_SORTING,
            sort,
            order,
          ),
      );
      res.json({ items, total, limit, offset });
    });

    app.get('/api/oversight/handlers', async (req, res) => {
      const { sort, order, limit, offset, ...filters } = parse(handlersQuery, req.query);
      const scope = await oversightScope(db, res, filters);
      // Counted and grouped by the database: per handler and status, and the overdue per handler.
      const [counts, overdue] = await Promise.all([
        db.recommendation.groupBy({
          by: ['handler', 'status'],
          where: recommendationsWhere(scope),
          _count: { _all: true },
        }),
        overdueCounts(db, scope, 'handler', today()),
      ]);
      const summaries = handlerSummariesOfCounts(
        counts.map((c) => ({ handler: c.handler, status: c.status, count: c._count._all })),
        overdue,
      );
      res.json(pageOf(sortItems(summaries, HANDLER_SORTING, sort, order), { limit, offset }));
    });

    app.get('/api/oversight/agencies', async (req, res) => {
      const { sort, order, limit, offset, ...filters } = parse(agenciesQuery, req.query);
      const counts = await agencyCounts(db, await oversightScope(db, res, filters), today());
      const summaries = counts.map(agencySummaryOfCounts);
      res.json(pageOf(sortItems(summaries, AGENCY_SORTING, sort, order), { limit, offset }));
    });

    app.get('/api/oversight/domains', async (req, res) => {
      const { sort, order, limit, offset, ...filters } = parse(domainsQuery, req.query);
      const scope = await oversightScope(db, res, filters);
      const [counts, overdue] = await Promise.all([
        db.recommendation.groupBy({
          by: ['domain', 'status'],
          where: recommendationsWhere(scope),
          _count: { _all: true },
        }),
        overdueCounts(db, scope, 'domain', today()),
      ]);
      const summaries = domainSummariesOfCounts(
        counts.map((c) => ({ domain: c.domain, status: c.status, count: c._count._all })),
        overdue,
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
