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

/** One request; every answer must be JSON. */
export async function callApi(baseUrl: string, method: string, path: string, body?: unknown, rawBody?: string): Promise<Reply> {
  const hasBody = body !== undefined || rawBody !== undefined;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: hasBody ? { 'content-type': 'application/json' } : {},
    body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  expect(res.headers.get('content-type') ?? '', `${method} ${path} answers JSON: ${text}`).toMatch(/^application\/json/);
  return { status: res.status, body: JSON.parse(text), headers: res.headers };
}

export const ACTOR = '张检察官';
export const PROCURATORATE = '某区人民检察院';

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
  actor: string;
}

export function createBody(overrides: Record<string, unknown> = {}): CreateBody {
  const servedAt = (overrides.servedAt as string | undefined) ?? daysAgo(3);
  const tag = rand();
  return {
    documentNumber: `某区检行公建〔${servedAt.slice(0, 4)}〕${tag}号`,
    caseNumber: `某区检行公立〔${servedAt.slice(0, 4)}〕${tag}号`,
    procuratorate: PROCURATORATE,
    domain: 'ecology_environment',
    agency: '某区生态环境局',
    handler: '李检察官',
    title: '关于督促整治河道非法倾倒的检察建议',
    measures: ['清理倾倒垃圾', '建立巡查制度'],
    issuedAt: 'issuedAt' in overrides ? overrides.issuedAt : addCalendarDays(servedAt, -1),
    servedAt,
    actor: ACTOR,
    ...overrides,
  } as CreateBody;
}
