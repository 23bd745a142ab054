import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBody } from '../support/api';
import { startTestEngine, type TestEngine } from '../support/engine';

/** What a 400 says, over real HTTP: each bad field once, a few dozen at most, and how many more there were. */

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});

async function post(body: unknown): Promise<{ status: number; text: string; body: Record<string, unknown> }> {
  const rawBody = JSON.stringify(body);
  const res = await fetch(`${engine.baseUrl}/api/recommendations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${engine.tokens.chief}`, 'content-type': 'application/json' },
    body: rawBody,
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

describe('invalid input', () => {
  it('a 250 kB body of 125,000 bad items answers a few kB: 20 issues, each once, and the count of the others', async () => {
    const body = { ...createBody(), measures: Array<number>(125_000).fill(1) };
    expect(JSON.stringify(body).length).toBeGreaterThan(250_000);
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.text.length).toBeLessThan(4_000);
    expect(res.body.error).toBe('invalid_input');
    const issues = res.body.issues as { field: string; reason: string }[];
    expect(issues).toEqual(
      Array.from({ length: 20 }, (_, i) => ({
        field: `measures.${i}`,
        reason: 'Invalid input: expected string, received number',
      })),
    );
    expect(res.body.moreIssues).toBe(125_000 - 20);
    // The message names the first and counts the rest: it does not list the issues a second time.
    expect(res.body.message).toBe(
      'measures.0: Invalid input: expected string, received number (and 124999 more issues)',
    );
  });

  it('a body of 20,000 unknown fields answers a short reason, not every name', async () => {
    const body = { ...createBody(), ...Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 1])) };
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.text.length).toBeLessThan(2_000);
    expect(res.body.issues).toEqual([{ field: '(body)', reason: expect.stringMatching(/^Unrecognized keys: "k0"/) }]);
    expect(res.body).not.toHaveProperty('moreIssues');
  });

  it('a few bad fields are listed in full, each once, as before', async () => {
    const res = await post({ ...createBody(), servedAt: '2025-02-30', title: '' });
    expect(res.status).toBe(400);
    const issues = res.body.issues as { field: string }[];
    expect(issues.map((i) => i.field).sort()).toEqual(['servedAt', 'title']);
    expect(res.body).not.toHaveProperty('moreIssues');
    expect(res.body.message).toMatch(/^(servedAt|title): .* \(and 1 more issue\)$/);
  });
});
