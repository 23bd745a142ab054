import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unstorableTextReason } from '../../src/domain/storableText';
import { callApi, createBody, type Reply } from '../support/api';
import { startTestEngine, type TestEngine } from '../support/engine';
import { USERS, type UserKey } from '../support/users';

/**
 * Text the databases cannot store never gets past the door: every text field of every route in the OpenAPI
 * document, sent each kind of unstorable string, answers 400 naming that field, and the lifecycle the requests
 * aimed at still acts and records afterwards.
 */

let engine: TestEngine;
let recommendationId = '';

const POISONS = {
  'lone high surrogate': 'a\ud800b',
  'lone low surrogate': '\udc00',
  'reversed pair': '\udc00\ud800',
  NUL: 'x\u0000',
  'non-character U+FFFF': '\uffff',
  'non-character U+FDD0': '\ufdd0',
};

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}
interface Operation {
  parameters?: { in: string; name: string; schema?: Schema }[];
  requestBody?: { content: { 'application/json'?: { schema: Schema } } };
}
interface TextField {
  method: string;
  path: string;
  /** Where the text goes: a dotted path into the body, or a query parameter. */
  where: 'body' | 'query';
  field: string[];
}

/** Every place a string can go in a JSON body of this schema, as paths (array items as index 0). */
function stringPaths(schema: Schema, components: Record<string, Schema>, seen = new Set<string>()): string[][] {
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    if (seen.has(name)) return [];
    return stringPaths(components[name]!, components, new Set([...seen, name]));
  }
  const alternatives = [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  const types = [schema.type ?? []].flat();
  return [
    ...(types.includes('string') ? [[]] : []),
    ...Object.entries(schema.properties ?? {}).flatMap(([key, child]) =>
      stringPaths(child, components, seen).map((rest) => [key, ...rest]),
    ),
    ...(schema.items ? stringPaths(schema.items, components, seen).map((rest) => ['0', ...rest]) : []),
    ...alternatives.flatMap((alternative) => stringPaths(alternative, components, seen)),
  ];
}

function bodyWith(field: string[], value: string): unknown {
  if (field.length === 0) return value;
  const [head, ...rest] = field;
  return head === '0' ? [bodyWith(rest, value)] : { [head!]: bodyWith(rest, value) };
}

let textFields: TextField[] = [];

const as = (who: UserKey, method: string, path: string, body?: unknown): Promise<Reply> =>
  callApi(engine.baseUrl, method, path, body, undefined, engine.tokens[who]);

/**
 * A URL cannot carry a lone surrogate: a client that tries sends its three UTF-8-like bytes (WTF-8), which
 * the server decodes to U+FFFD. Everything else is percent-encoded as usual.
 */
function encodeQueryValue(value: string): string {
  return [...value]
    .map((char) => {
      const unit = char.charCodeAt(0);
      if (char.length > 1 || unit < 0xd800 || unit > 0xdfff) return encodeURIComponent(char);
      const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
      return bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    })
    .join('');
}
const reachesServerAsIs = (target: TextField, value: string) =>
  target.where === 'body' || !/[\uD800-\uDFFF]/.test(value);

function send(target: TextField, value: string): Promise<Reply> {
  const path = target.path.replace(/\{[^}]+\}/g, recommendationId);
  if (target.where === 'query')
    return as('chief', target.method, `${path}?${target.field[0]}=${encodeQueryValue(value)}`);
  return as('chief', target.method, path, bodyWith(target.field, value));
}

beforeAll(async () => {
  engine = await startTestEngine();
  const created = await as('chief', 'POST', '/api/recommendations', createBody({ handler: USERS.handler.id }));
  expect(created.status).toBe(201);
  recommendationId = created.body.id;
  const openapi = (await (await fetch(`${engine.baseUrl}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema> };
  };
  textFields = Object.entries(openapi.paths).flatMap(([path, methods]) =>
    Object.entries(methods).flatMap(([method, operation]) => {
      const schema = operation.requestBody?.content['application/json']?.schema;
      const body = schema
        ? stringPaths(schema, openapi.components.schemas).map((field) => ({ where: 'body' as const, field }))
        : [];
      const query = (operation.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => ({ where: 'query' as const, field: [p.name] }));
      return [...body, ...query].map((target) => ({ method: method.toUpperCase(), path, ...target }));
    }),
  );
}, 120_000);
afterAll(async () => {
  await engine?.stop();
});

async function auditCount(): Promise<number> {
  return engine.db.auditEntry.count();
}

describe('unstorable text at the door', () => {
  it('finds the text fields of the routes in the OpenAPI document', () => {
    const named = textFields.map((t) => `${t.method} ${t.path} ${t.field.join('.')}`);
    // A few that must be there: if the walk of the document broke, this test would pass vacuously.
    expect(named).toEqual(
      expect.arrayContaining([
        'POST /api/recommendations title',
        'POST /api/recommendations measures.0',
        'POST /api/recommendations/{id}/reply content',
        'POST /api/recommendations/{id}/reassign reason',
        'POST /api/recommendations/{id}/decision reason',
        'GET /api/recommendations agency',
      ]),
    );
    expect(textFields.length).toBeGreaterThan(60);
  });

  it('answers 400 naming the field for each kind of unstorable string in every text field, and records nothing', async () => {
    const before = await auditCount();
    for (const target of textFields) {
      for (const [kind, poison] of Object.entries(POISONS)) {
        const reply = await send(target, poison);
        const what = `${target.method} ${target.path} ${target.where} ${target.field.join('.')} with a ${kind}`;
        if (!reachesServerAsIs(target, poison)) {
          expect(reply.status, what).toBeLessThan(500);
          continue;
        }
        expect(reply.status, what).toBe(400);
        expect(reply.body.issues, what).toEqual([
          { field: target.field.join('.'), reason: unstorableTextReason(poison) },
        ]);
      }
    }
    expect(await auditCount()).toBe(before);
  }, 300_000);

  it('never answers 5xx to random text in any text field, and refuses exactly the unstorable', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.string({ unit: 'binary', maxLength: 12 }), async (pick, value) => {
        const target = textFields[pick % textFields.length]!;
        const reply = await send(target, value);
        expect(reply.status, `${target.method} ${target.path} ${target.field.join('.')}`).toBeLessThan(500);
        if (unstorableTextReason(value)) expect(reply.status).toBe(400);
      }),
      { numRuns: 400, seed: Number(process.env.FC_SEED ?? 20261201) },
    );
  }, 300_000);

  it('refuses field names that reach a prototype, and bodies nested absurdly deep, with 400', async () => {
    const proto = await callApi(
      engine.baseUrl,
      'POST',
      `/api/recommendations/${recommendationId}/reply`,
      undefined,
      '{"receivedAt": "2025-01-01", "content": "x", "__proto__": {"late": true}}',
      engine.tokens.chief,
    );
    expect(proto).toMatchObject({ status: 400, body: { issues: [{ field: '__proto__' }] } });
    const deep = await callApi(
      engine.baseUrl,
      'POST',
      '/api/recommendations',
      undefined,
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      engine.tokens.chief,
    );
    expect(deep).toMatchObject({ status: 400, body: { message: expect.stringContaining('nested deeper') } });
  });

  it('leaves the lifecycle acting and recording afterwards', async () => {
    const before = await auditCount();
    const reply = await as('handler', 'POST', `/api/recommendations/${recommendationId}/reply`, {
      receivedAt: createBody().servedAt,
      content: '已完成整改 🌊（含补充平面的字符）',
    });
    expect(reply.status).toBe(200);
    const detail = await as('handler', 'GET', `/api/recommendations/${recommendationId}`);
    expect(detail.body.status).toBe('follow_up');
    expect(detail.body.events.map((e: { type: string }) => e.type)).toContain('reply_recorded');
    expect(await auditCount()).toBe(before + 1);
  });
});
