import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { components, paths } from './schema';

/** Every read the console makes, as TanStack Query options: one key per resource, so writes know what to refresh. */

export type Recommendation = components['schemas']['Recommendation'];
export type ActVerdict = components['schemas']['ActVerdict'];
export type Notification = components['schemas']['Notification'];
export type RecommendationListQuery = NonNullable<paths['/api/recommendations']['get']['parameters']['query']>;
export type NotificationListQuery = NonNullable<paths['/api/notifications']['get']['parameters']['query']>;

export const recommendationsQuery = (query: RecommendationListQuery) =>
  queryOptions({
    queryKey: ['recommendations', 'list', query],
    queryFn: () => unwrap(api.GET('/api/recommendations', { params: { query } })),
    placeholderData: keepPreviousData,
  });

export const recommendationQuery = (id: string) =>
  queryOptions({
    queryKey: ['recommendations', 'one', id],
    queryFn: () => unwrap(api.GET('/api/recommendations/{id}', { params: { path: { id } } })),
  });

export const trailQuery = (id: string) =>
  queryOptions({
    queryKey: ['recommendations', 'trail', id],
    queryFn: () => unwrap(api.GET('/api/recommendations/{id}/trail', { params: { path: { id } } })),
  });

export const domainsQuery = queryOptions({
  queryKey: ['domains'],
  queryFn: () => unwrap(api.GET('/api/domains')),
  staleTime: Infinity,
});

export const calendarQuery = (year: number) =>
  queryOptions({
    queryKey: ['calendar', year],
    queryFn: () => unwrap(api.GET('/api/calendar/{year}', { params: { path: { year: String(year) } } })),
    staleTime: 10 * 60_000,
  });

export const notificationsQuery = (query: NotificationListQuery) =>
  queryOptions({
    queryKey: ['notifications', query],
    queryFn: () => unwrap(api.GET('/api/notifications', { params: { query } })),
    placeholderData: keepPreviousData,
  });
