import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { addCalendarDays, shanghaiDate, type CalendarDate } from '../../src/domain/dates';

/** Calling the HTTP API as a client does, and the create body a client sends. */

export interface Reply {
  status: number;
  // The API's JSON; tests read it loosely and assert exactly.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

const defaultTokens = new Map<string, string>();

/** The token callApi sends to this API unless told otherwise (set when a test engine starts). */
export function useDefaultToken(baseUrl: string, token: string): void {
  defaultTokens.set(baseUrl, token);
}

/** One request, as the default user or with `token` (null: none); every answer must be JSON. */
export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  rawBody?: string,
  token?: string | null,
): Promise<Reply> {
  const hasBody = body !== undefined || rawBody !== undefined;
  const bearer = token === undefined ? defaultTokens.get(baseUrl) : token;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
    body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  expect(res.headers.get('content-type') ?? '', `${method} ${path} answers JSON: ${text}`).toMatch(
    /^application\/json/,
  );
  return { status: res.status, body: JSON.parse(text), headers: res.headers };
}

export { PROCURATORATE } from './users';

/**
 * A token for a person whose role sees case data, the way an administrator now gets one: `requester` asks
 * (202, no token yet), a second administrator `approver` approves and receives it (201).
 */
export async function approvedToken(
  baseUrl: string,
  personId: string,
  requester: string,
  approver: string,
  body: { label: string; expiresInDays?: number } = { label: 'test' },
): Promise<{ id: string; token: string; request: string }> {
  const requested = await callApi(
    baseUrl,
    'POST',
    `/api/people/${encodeURIComponent(personId)}/tokens`,
    body,
    undefined,
    requester,
  );
  expect(requested.status, JSON.stringify(requested.body)).toBe(202);
  const approved = await callApi(
    baseUrl,
    'POST',
    `/api/token-requests/${requested.body.id}/approve`,
    undefined,
    undefined,
    approver,
  );
  expect(approved.status, JSON.stringify(approved.body)).toBe(201);
  return { id: approved.body.id, token: approved.body.token, request: requested.body.id };
}

export const today = (): CalendarDate => shanghaiDate(Date.now());
export const daysAgo = (days: number): CalendarDate => addCalendarDays(today(), -days);
export const rand = () => randomBytes(4).toString('hex');

/** A create body as a client sends it; overrides may hold invalid values on purpose. */
export interface CreateBody {
  id?: string;
  documentNumber: string;
  caseNumber: string;
  procuratorate: string;
  domain: string;
  agency: string;
  handler: string;
  title: string;
  measures: string[];
  issuedAt: string;
  servedAt: string;
  urgent?: boolean;
  replyDueAt?: string;
}

export function createBody(overrides: Record<string, unknown> = {}): CreateBody {
  const servedAt = (overrides.servedAt as string | undefined) ?? daysAgo(3);
  const tag = rand();
  return {
    documentNumber: `某区检行公建〔${servedAt.slice(0, 4)}〕${tag}号`,
    caseNumber: `某区检行公立〔${servedAt.slice(0, 4)}〕${tag}号`,
    domain: 'ecology_environment',
    agency: '某区生态环境局',
    handler: '李检察官',
    title: '关于督促整治河道非法倾倒的检察建议',
    measures: ['清理倾倒垃圾', '建立巡查制度'],
    issuedAt: 'issuedAt' in overrides ? overrides.issuedAt : addCalendarDays(servedAt, -1),
    servedAt,
    ...overrides,
  } as CreateBody;
}

/**
 * An act that needs the 检察长's approval (close, suspend, extend-review, escalate, withdraw): proposed with
 * `proposer`'s token (default: the default caller), approved with `approver`'s. Returns the decision's reply.
 */
export async function actApproved(
  baseUrl: string,
  id: string,
  path: string,
  body: unknown,
  approver: string,
  proposer?: string,
): Promise<Reply> {
  const proposed = await callApi(baseUrl, 'POST', `/api/recommendations/${id}/${path}`, body, undefined, proposer);
  if (proposed.status !== 202) return proposed;
  return callApi(baseUrl, 'POST', `/api/recommendations/${id}/decision`, { decision: 'approve' }, undefined, approver);
}
