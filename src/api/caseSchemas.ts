import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  CASE_LAWSUIT_KINDS,
  CASE_TYPES,
  CLUE_SOURCES,
  CONSULTATION_OUTCOMES,
  HEARING_PARTICIPANT_CATEGORIES,
  LOOK_BACK_FINDINGS,
  PUBLIC_NOTICE_DAYS,
  type HearingParticipantCategory,
} from '../domain/cases';
import type { Vocabulary } from '../domain/vocabulary';
import { isCalendarDate, shanghaiDate } from '../domain/dates';
import { STATUSES } from '../domain/lifecycle';
import { STATUTORY_DOMAIN_CODES } from '../domain/statutoryDomains';
import { calendarDate } from './schemas';

extendZodWithOpenApi(z);

/** Cases (公益诉讼案件) and what happens on them besides recommendations: request bodies, queries and views. */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const notes = z.string().trim().max(5000, 'at most 5000 characters').optional();

/** A code of the vocabulary; a wrong one is answered with every code and its label. */
function oneOf<V extends Vocabulary>(vocabulary: V, title: string) {
  const codes = Object.keys(vocabulary) as [keyof V & string, ...(keyof V & string)[]];
  const listed = codes.map((code) => `${code} (${vocabulary[code]})`).join(', ');
  return z.enum(codes, { error: `must be one of ${listed}` }).openapi({ description: `${title}: ${listed}` });
}

const pastDate = (description: string) =>
  calendarDate
    // A malformed date is reported by calendarDate alone.
    .refine((date) => !isCalendarDate(date) || date <= shanghaiDate(Date.now()), 'cannot be in the future')
    .openapi({ description });

const statutoryDomain = z
  .string()
  .refine(
    (code) => STATUTORY_DOMAIN_CODES.has(code),
    'must be one of the statutory domain codes listed by GET /api/domains',
  )
  .openapi({ description: '法定领域', example: 'ecology_environment' });

const caseType = oneOf(CASE_TYPES, '案件类型');
const clueSource = oneOf(CLUE_SOURCES, '线索来源');
const consultationOutcome = oneOf(CONSULTATION_OUTCOMES, '磋商结果');
const lookBackFinding = oneOf(LOOK_BACK_FINDINGS, '回头看结论');
const caseLawsuitKind = oneOf(CASE_LAWSUIT_KINDS, '诉讼类型');

const participantCategories = Object.keys(HEARING_PARTICIPANT_CATEGORIES) as HearingParticipantCategory[];
const participantCount = z
  .number()
  .int('must be a whole number')
  .positive('must be a positive whole number')
  .optional();
const participants = z
  .strictObject(
    Object.fromEntries(
      participantCategories.map((category) => [
        category,
        participantCount.openapi({ description: HEARING_PARTICIPANT_CATEGORIES[category] }),
      ]),
    ) as Record<HearingParticipantCategory, typeof participantCount>,
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown category ${issue.keys.join(', ')}; known: ${participantCategories.join(', ')}`
          : undefined,
    },
  )
  .refine((counts) => Object.values(counts).some((n) => n !== undefined), 'name at least one participant')
  .openapi({ description: '参加人员：类别 → 人数', example: { people_supervisor: 2, deputy: 1, expert: 1 } });

export const createCaseBody = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only, at most 64')
      .optional()
      .openapi({ description: 'client-chosen id; repeating a create with the same id and body is safe' }),
    procuratorate: text(100).openapi({ description: '人民检察院', example: '某区人民检察院' }),
    caseNumber: text(100).openapi({
      description: '案号, unique per procuratorate',
      example: '某区检行公立〔2025〕3号',
    }),
    type: caseType,
    domain: statutoryDomain,
    title: text(300).openapi({ description: '案件名称' }),
    clueSource,
    clueReceivedAt: pastDate('线索受理日期').optional(),
    filedAt: pastDate('立案日期'),
    handler: text(100).openapi({ description: '承办检察官', example: '张检察官' }),
  })
  .superRefine((body, ctx) => {
    if (
      body.clueReceivedAt &&
      isCalendarDate(body.clueReceivedAt) &&
      isCalendarDate(body.filedAt) &&
      body.clueReceivedAt > body.filedAt
    ) {
      ctx.addIssue({ code: 'custom', path: ['clueReceivedAt'], message: 'cannot be after filedAt' });
    }
  })
  .openapi('CreateCase');
export type CreateCaseBody = z.infer<typeof createCaseBody>;

export const consultationBody = z
  .strictObject({
    heldOn: pastDate('磋商日期'),
    agency: text(200).openapi({ description: '行政机关', example: '某区生态环境局' }),
    outcome: consultationOutcome,
    notes,
  })
  .openapi('RecordConsultation');

export const hearingBody = z
  .strictObject({
    heldOn: pastDate('听证日期'),
    participants,
    conclusion: text(5000).openapi({ description: '听证意见' }),
  })
  .openapi('RecordHearing');

export const publicNoticeBody = z
  .strictObject({
    publishedOn: pastDate('公告日期'),
    outlet: text(200).openapi({ description: '公告媒体', example: '正义网' }),
  })
  .openapi('RecordPublicNotice', { description: `诉前公告 of a civil case; it runs ${PUBLIC_NOTICE_DAYS} days` });

export const caseLawsuitBody = z
  .strictObject({
    kind: caseLawsuitKind,
    filedAt: pastDate('起诉日期'),
    court: text(200).openapi({ example: '某市中级人民法院' }),
  })
  .openapi('FileCaseLawsuit');

export const lookBackBody = z
  .strictObject({ conductedOn: pastDate('回头看日期'), finding: lookBackFinding, notes })
  .openapi('RecordLookBack');

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

export const listCasesQuery = z
  .strictObject({
    procuratorate: z.string().optional(),
    type: caseType.optional(),
    domain: statutoryDomain.optional(),
    clueSource: clueSource.optional(),
    year: z.coerce.number().int().min(1000).max(9999).optional().openapi({ description: 'filed in this year' }),
    handler: z.string().optional(),
    ...pageQuery,
  })
  .openapi('ListCasesQuery');

export const listLookBacksQuery = z
  .strictObject({
    procuratorate: z
      .string()
      .optional()
      .openapi({ description: 'of the case or of the recommendation looked back on' }),
    dueBefore: calendarDate.optional().openapi({ description: 'due on or before this date' }),
    pending: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .openapi({ description: 'true: not yet conducted; false: conducted' }),
    ...pageQuery,
  })
  .openapi('ListLookBacksQuery');

// ---- Responses

export const caseSummaryResponse = z
  .object({
    id: z.string(),
    procuratorate: z.string(),
    caseNumber: z.string(),
    type: caseType,
    typeLabel: z.string(),
    domain: z.string(),
    domainLabel: z.string(),
    title: z.string(),
    clueSource,
    clueSourceLabel: z.string(),
    clueReceivedAt: calendarDate.nullable(),
    filedAt: calendarDate,
    handler: z.string(),
    createdAt: z.string(),
  })
  .openapi('CaseSummary');
export type CaseSummaryResponse = z.infer<typeof caseSummaryResponse>;

export const lookBackResponse = z
  .object({
    id: z.number().int(),
    caseId: z.string().nullable(),
    recommendationId: z.string().nullable(),
    dueOn: calendarDate,
    pending: z.boolean().openapi({ description: 'not yet conducted' }),
    conductedOn: calendarDate.nullable(),
    finding: lookBackFinding.nullable(),
    findingLabel: z.string().nullable(),
    notes: z.string().nullable(),
  })
  .openapi('LookBack');
export type LookBackResponse = z.infer<typeof lookBackResponse>;

export const caseResponse = caseSummaryResponse
  .extend({
    consultations: z.array(
      z.object({
        id: z.number().int(),
        heldOn: calendarDate,
        agency: z.string(),
        outcome: consultationOutcome,
        outcomeLabel: z.string(),
        notes: z.string().nullable(),
      }),
    ),
    hearings: z.array(
      z.object({
        id: z.number().int(),
        heldOn: calendarDate,
        participants: z.array(
          z.object({ category: z.enum(participantCategories), label: z.string(), count: z.number().int() }),
        ),
        conclusion: z.string(),
      }),
    ),
    publicNotices: z.array(
      z.object({
        id: z.number().int(),
        publishedOn: calendarDate,
        endsOn: calendarDate.openapi({ description: 'last day of the notice period' }),
        outlet: z.string(),
      }),
    ),
    lawsuits: z.array(
      z.object({
        id: z.number().int(),
        kind: caseLawsuitKind,
        kindLabel: z.string(),
        filedAt: calendarDate,
        court: z.string(),
      }),
    ),
    lookBacks: z.array(lookBackResponse).openapi({ description: 'of the case and of its recommendations' }),
    recommendations: z
      .array(
        z.object({ id: z.string(), documentNumber: z.string(), status: z.enum(STATUSES), statusLabel: z.string() }),
      )
      .openapi({ description: 'the recommendations naming this case (same procuratorate and caseNumber)' }),
  })
  .openapi('Case');
export type CaseResponse = z.infer<typeof caseResponse>;
