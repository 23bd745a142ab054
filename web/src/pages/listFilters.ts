import { listRecommendationsQuery } from '../../../src/api/schemas/recommendations';
import type { RecommendationListQuery } from '../api/queries';

/**
 * The 检察建议 list's filters, kept in the URL's search params so that a view can be bookmarked and shared,
 * and the query the API is asked with. The API's own query schema says which values are valid.
 */
export const FILTER_KEYS = [
  'q',
  'status',
  'domain',
  'agency',
  'handler',
  'department',
  'dueAfter',
  'dueBefore',
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export const DEFAULT_SORT = 'nextDueAt';
export const DEFAULT_PAGE_SIZE = 20;

export interface ListView {
  filters: Partial<Record<FilterKey, string>>;
  sort: string;
  /** From 1. */
  page: number;
  pageSize: number;
}

const positiveInteger = (value: string | null, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : fallback;
};

/** The view a URL names; values the API would refuse are left out, as if not given. */
export function viewFromSearch(search: URLSearchParams): ListView {
  const given: Record<string, string> = {};
  for (const key of [...FILTER_KEYS, 'sort'] as const) {
    const value = search.get(key)?.trim();
    if (value) given[key] = value;
  }
  const parsed = listRecommendationsQuery.safeParse(given);
  const refused = new Set(parsed.success ? [] : parsed.error.issues.map((issue) => String(issue.path[0])));
  const filters: ListView['filters'] = {};
  for (const key of FILTER_KEYS) if (given[key] !== undefined && !refused.has(key)) filters[key] = given[key];
  return {
    filters,
    sort: given.sort && !refused.has('sort') ? given.sort : DEFAULT_SORT,
    page: positiveInteger(search.get('page'), 1),
    pageSize: positiveInteger(search.get('pageSize'), DEFAULT_PAGE_SIZE, 200),
  };
}

/** The URL's search params of a view: defaults left out, so the plain list has a plain URL. */
export function searchFromView(view: ListView): URLSearchParams {
  const search = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = view.filters[key]?.trim();
    if (value) search.set(key, value);
  }
  if (view.sort !== DEFAULT_SORT) search.set('sort', view.sort);
  if (view.page > 1) search.set('page', String(view.page));
  if (view.pageSize !== DEFAULT_PAGE_SIZE) search.set('pageSize', String(view.pageSize));
  return search;
}

/** What GET /api/recommendations is asked (its values checked by viewFromSearch with the API's schema). */
export function queryOfView(view: ListView): RecommendationListQuery {
  return {
    ...view.filters,
    sort: view.sort,
    limit: view.pageSize,
    offset: (view.page - 1) * view.pageSize,
  } as RecommendationListQuery;
}

/** The view with some filters changed: back to the first page, as the old page number means nothing now. */
export function withFilters(view: ListView, changes: Partial<Record<FilterKey, string | undefined>>): ListView {
  const filters = { ...view.filters };
  for (const [key, value] of Object.entries(changes) as [FilterKey, string | undefined][]) {
    if (value?.trim()) filters[key] = value.trim();
    else delete filters[key];
  }
  return { ...view, filters, page: 1 };
}
