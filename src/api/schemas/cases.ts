import { z } from 'zod';
import { schemaMessage, schemaText } from '../language';
import {
  CASE_LAWSUIT_KINDS,
  CASE_TYPES,
  CLUE_SOURCES,
  CONSULTATION_OUTCOMES,
  HEARING_PARTICIPANT_CATEGORIES,
  PUBLIC_NOTICE_DAYS,
  type CaseLawsuitInput,
  type CaseRegistration,
  type ConsultationInput,
  type HearingInput,
  type HearingParticipantCategory,
  type PublicNoticeInput,
} from '../../domain/cases';
import { isCalendarDate } from '../../domain/dates';
import { STATUSES } from '../../domain/lifecycle';
import { codesOf } from '../../domain/vocabulary';
import {
  calendarDate,
  clientChosenId,
  oneOf,
  optionalNotes,
  pageQuery,
  pastDate,
  statutoryDomain,
  text,
} from './common';
import { lookBackResponse } from './lookBacks';

/** Cases (公益诉讼案件) and what happens on them besides recommendations. */

const caseType = oneOf(CASE_TYPES, '案件类型');
const clueSource = oneOf(CLUE_SOURCES, '线索来源');
const consultationOutcome = oneOf(CONSULTATION_OUTCOMES, '磋商结果');
const caseLawsuitKind = oneOf(CASE_LAWSUIT_KINDS, '诉讼类型');

const participantCategories = codesOf(HEARING_PARTICIPANT_CATEGORIES);
const participantCount = z
  .number()
  .int(schemaMessage('must be a whole number', '须为整数'))
  .positive(schemaMessage('must be a positive whole number', '须为正整数'))
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
          ? schemaText(
              `unknown category ${issue.keys.join(', ')}; known: ${participantCategories.join(', ')}`,
              `未知的人员类别 ${issue.keys.join('、')}；可用类别：${participantCategories.join('、')}`,
            )
          : undefined,
    },
  )
  .refine(
    (counts) => Object.values(counts).some((n) => n !== undefined),
    schemaMessage('name at least one participant', '请至少列出一类参加人员'),
  )
  .openapi({ description: '参加人员：类别 → 人数', example: { people_supervisor: 2, deputy: 1, expert: 1 } });

export const createCaseBody = z
  .strictObject({
    id: clientChosenId,
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
      ctx.addIssue({
        code: 'custom',
        path: ['clueReceivedAt'],
        message: schemaText('cannot be after filedAt', '线索受理日期不能晚于立案日期'),
      });
    }
  })
  .openapi('CreateCase') satisfies z.ZodType<CaseRegistration>;

// ---- Records on a case

export const consultationBody = z
  .strictObject({
    heldOn: pastDate('磋商日期'),
    agency: text(200).openapi({ description: '行政机关', example: '某区生态环境局' }),
    outcome: consultationOutcome,
    notes: optionalNotes,
  })
  .openapi('RecordConsultation') satisfies z.ZodType<ConsultationInput>;

export const hearingBody = z
  .strictObject({
    heldOn: pastDate('听证日期'),
    participants,
    conclusion: text(5000).openapi({ description: '听证意见' }),
  })
  .openapi('RecordHearing') satisfies z.ZodType<HearingInput>;

export const publicNoticeBody = z
  .strictObject({
    publishedOn: pastDate('公告日期'),
    outlet: text(200).openapi({ description: '公告媒体', example: '正义网' }),
  })
  .openapi('RecordPublicNotice', {
    description: `诉前公告 of a civil case; it runs ${PUBLIC_NOTICE_DAYS} days`,
  }) satisfies z.ZodType<PublicNoticeInput>;

export const caseLawsuitBody = z
  .strictObject({
    kind: caseLawsuitKind,
    filedAt: pastDate('起诉日期'),
    court: text(200).openapi({ example: '某市中级人民法院' }),
  })
  .openapi('FileCaseLawsuit') satisfies z.ZodType<CaseLawsuitInput>;

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

export const caseIdParam = z.object({ id: z.string().openapi({ description: 'case id' }) });

// ---- How a case is shown

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
    lookBacks: z
      .array(lookBackResponse)
      .openapi({ description: 'of the case, and of those of its recommendations the caller sees' }),
    recommendations: z
      .array(
        z.object({ id: z.string(), documentNumber: z.string(), status: z.enum(STATUSES), statusLabel: z.string() }),
      )
      .openapi({
        description: 'the recommendations naming this case (same procuratorate and caseNumber) that the caller sees',
      }),
  })
  .openapi('Case');
export type CaseResponse = z.infer<typeof caseResponse>;
