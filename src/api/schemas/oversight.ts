import { z } from 'zod';
import { DEADLINE_KINDS } from '../../domain/deadlines';
import {
  AGENCY_SORTING,
  DOMAIN_SORTING,
  DUE_SORTING,
  HANDLER_SORTING,
  OVERDUE_SORTING,
  type Sorting,
} from '../../domain/oversight';
import { calendarDate, pageQuery } from './common';

/** The oversight lists for supervisors: their queries and items. */

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
  ...pageQuery,
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

export const overdueQuery = z
  .strictObject({ procuratorate, handler, agency, domain, sort: sortParam(OVERDUE_SORTING), ...listQuery })
  .openapi('OverdueQuery');
export const dueQuery = z
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
export const handlersQuery = z
  .strictObject({ procuratorate, agency, domain, sort: sortParam(HANDLER_SORTING), ...listQuery })
  .openapi('HandlersQuery');
export const agenciesQuery = z
  .strictObject({ procuratorate, handler, domain, year, sort: sortParam(AGENCY_SORTING), ...listQuery })
  .openapi('AgenciesQuery');
export const domainsQuery = z
  .strictObject({ procuratorate, handler, agency, year, sort: sortParam(DOMAIN_SORTING), ...listQuery })
  .openapi('DomainsQuery');

// ---- Items

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
export const overdueItem = z.object({ ...deadlineItem, daysOverdue: z.number().int() }).openapi('OverdueDeadline');
export const dueItem = z
  .object({ ...deadlineItem, daysLeft: z.number().int().openapi({ description: '0: due today' }) })
  .openapi('DueDeadline');
export const handlerSummary = z
  .object({
    handler: z.string(),
    open: z.number().int().openapi({ description: 'recommendations not yet closed, withdrawn or in litigation' }),
    overdue: z.number().int().openapi({ description: 'recommendations with at least one deadline past due' }),
    issued: z.number().int(),
  })
  .openapi('HandlerSummary');
export const agencySummary = z
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
export const domainSummary = z
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
