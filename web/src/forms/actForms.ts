import type { Dayjs } from 'dayjs';
import type { z } from 'zod';
import type { Act } from '../../../src/domain/allowedActions';
import { CHECK_METHOD_LABELS, CHECK_RESULT_LABELS, CLOSE_GROUND_LABELS } from '../../../src/domain/recommendation';
import {
  checkBody,
  closeBody,
  decisionBody,
  lawsuitBody,
  reasonBody,
  reassignBody,
  replyBody,
  resumeBody,
  superiorFilingBody,
} from '../../../src/api/schemas/recommendations';
import type { MessageKey } from '../i18n/dictionary';

/**
 * The form of each act on a recommendation: where it is posted, the API's request schema it is checked with,
 * and its fields. Which acts are offered is the API's answer (allowedActions); nothing here decides that.
 */

export type FieldKind = 'date' | 'text' | 'textarea' | 'select' | 'boolean';

export interface ActField {
  name: string;
  label: MessageKey;
  kind: FieldKind;
  /** For a select: value → label (the domain's vocabulary, or the grounds the API offers). */
  options?: Record<string, string>;
  optional?: boolean;
}

export interface ActForm {
  /** The path under /api/recommendations/{id}/. */
  path: string;
  schema: z.ZodType;
  fields: ActField[];
  /** Fixed parts of the body (the decision of approve / reject). */
  fixed?: Record<string, unknown>;
}

const reason: ActField = { name: 'reason', label: 'field.reason', kind: 'textarea' };
const withReason = (path: string): ActForm => ({ path, schema: reasonBody, fields: [reason] });

export const ACT_FORMS: Record<Act, ActForm> = {
  recordSuperiorFiling: {
    path: 'superior-filing',
    schema: superiorFilingBody,
    fields: [{ name: 'filedAt', label: 'field.filedAt', kind: 'date' }],
  },
  recordReply: {
    path: 'reply',
    schema: replyBody,
    fields: [
      { name: 'receivedAt', label: 'field.receivedAt', kind: 'date' },
      { name: 'content', label: 'field.content', kind: 'textarea' },
    ],
  },
  recordCheck: {
    path: 'checks',
    schema: checkBody,
    fields: [
      { name: 'checkedAt', label: 'field.checkedAt', kind: 'date' },
      { name: 'method', label: 'field.method', kind: 'select', options: CHECK_METHOD_LABELS },
      { name: 'result', label: 'field.result', kind: 'select', options: CHECK_RESULT_LABELS },
      { name: 'harmContinues', label: 'field.harmContinues', kind: 'boolean' },
      { name: 'notes', label: 'field.notes', kind: 'textarea', optional: true },
    ],
  },
  close: {
    path: 'close',
    schema: closeBody,
    fields: [{ name: 'ground', label: 'field.ground', kind: 'select', options: CLOSE_GROUND_LABELS }, reason],
  },
  escalate: withReason('escalate'),
  fileLawsuit: {
    path: 'lawsuit',
    schema: lawsuitBody,
    fields: [
      { name: 'filedAt', label: 'field.filedAt', kind: 'date' },
      { name: 'court', label: 'field.court', kind: 'text' },
      { name: 'courtCaseNumber', label: 'field.courtCaseNumber', kind: 'text' },
    ],
  },
  suspend: withReason('suspend'),
  resume: { path: 'resume', schema: resumeBody, fields: [{ ...reason, optional: true }] },
  extendReview: withReason('extend-review'),
  withdraw: withReason('withdraw'),
  approve: {
    path: 'decision',
    schema: decisionBody,
    fields: [{ ...reason, optional: true }],
    fixed: { decision: 'approve' },
  },
  reject: { path: 'decision', schema: decisionBody, fields: [reason], fixed: { decision: 'reject' } },
  reassign: {
    path: 'reassign',
    schema: reassignBody,
    fields: [{ name: 'handler', label: 'field.newHandler', kind: 'text' }, reason],
  },
};

const isDayjs = (value: unknown): value is Dayjs =>
  typeof value === 'object' && value !== null && 'format' in value && typeof value.format === 'function';

/** The request body of a form's values: dates written YYYY-MM-DD, empty optional fields left out. */
export function bodyOf(form: ActForm, values: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...form.fixed };
  for (const field of form.fields) {
    const value = values[field.name];
    if (field.kind === 'boolean') {
      if (typeof value === 'boolean') body[field.name] = value;
    } else if (value === undefined || value === null || value === '') {
      if (!field.optional) body[field.name] = field.kind === 'date' ? undefined : '';
    } else body[field.name] = isDayjs(value) ? value.format('YYYY-MM-DD') : value;
  }
  return body;
}
