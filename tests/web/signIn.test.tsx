import { describe, expect, it } from 'vitest';
import { apiErrorOf, loginPath, safeReturnTo } from '../../web/src/api/client';
import { activationTokenOf } from '../../web/src/pages/ActivatePage';

describe('signing in', () => {
  it('returns only to a page of this site', () => {
    expect(safeReturnTo('/recommendations?status=overdue')).toBe('/recommendations?status=overdue');
    for (const bad of [
      null,
      '',
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      'javascript:alert(1)',
      '/login?returnTo=/x',
    ])
      expect(safeReturnTo(bad), String(bad)).toBe('/');
  });

  it('sends a signed-out user to the sign-in page with the page to come back to', () => {
    expect(loginPath('/recommendations/r1')).toBe('/login?returnTo=%2Frecommendations%2Fr1');
    expect(loginPath('/')).toBe('/login');
  });

  it('reads the activation token from the fragment of the link', () => {
    expect(activationTokenOf('#token=abc-DEF_123')).toBe('abc-DEF_123');
    expect(activationTokenOf('')).toBeNull();
    expect(activationTokenOf('#token=')).toBeNull();
  });

  it("reads the API's error bodies: the code, the message and the issues", () => {
    const flat = apiErrorOf(400, {
      error: 'invalid_input',
      message: 'servedAt: 不能晚于今天',
      issues: [{ field: 'servedAt', reason: '不能晚于今天' }],
    });
    expect([flat.status, flat.code, flat.message, flat.issues]).toEqual([
      400,
      'invalid_input',
      'servedAt: 不能晚于今天',
      [{ field: 'servedAt', reason: '不能晚于今天' }],
    ]);
    const nested = apiErrorOf(401, { error: { code: 'sign_in_failed', message: '账号或密码错误' } });
    expect([nested.code, nested.message, nested.issues]).toEqual(['sign_in_failed', '账号或密码错误', []]);
    expect(apiErrorOf(502, undefined).message).toBe('HTTP 502');
  });
});
