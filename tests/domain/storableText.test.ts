import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, refuseDeepJson } from '../../src/api/inputGuard';
import { firstUnstorable, unstorableTextReason } from '../../src/domain/storableText';

describe('storable text', () => {
  it.each([
    ['plain Chinese', '关于督促整治河道非法倾倒的检察建议', false],
    ['a character outside the BMP (a surrogate pair)', '🌊𠀀', false],
    ['tabs and newlines', 'a\tb\r\nc', false],
    ['NUL', 'a\u0000', true],
    ['a lone high surrogate', 'a\ud800', true],
    ['a lone high surrogate before a letter', '\ud800a', true],
    ['a lone low surrogate', '\udfff', true],
    ['a pair the wrong way round', '\udc00\ud800', true],
    ['U+FFFE', '\ufffe', true],
    ['U+FDEF', '\ufdef', true],
  ])('%s: refused %s', (_what, text, refused) => {
    expect(unstorableTextReason(text) !== null).toBe(refused);
  });

  it('names the path of the first unstorable string or key in a parsed body', () => {
    expect(firstUnstorable({ a: 'ok', measures: ['ok', 'x\ud800'] })).toEqual({
      field: 'measures.1',
      reason: unstorableTextReason('\ud800'),
      reasonZh: '含有数据库无法存储的孤立代理码元（UTF-16 surrogate，不是字符）',
    });
    expect(firstUnstorable({ nested: { ['k\u0000']: 1 } })?.field).toBe('nested');
    expect(firstUnstorable(JSON.parse('{"x": {"__proto__": {"role": "admin"}}}'))?.field).toBe('x.__proto__');
    expect(firstUnstorable({ a: ['fine', { b: 1 }], c: null })).toBeNull();
  });

  it('refuses a body nested deeper than the limit, not brackets inside strings', () => {
    const nested = (depth: number) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    expect(() => refuseDeepJson(null, null, nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => refuseDeepJson(null, null, nested(MAX_JSON_DEPTH + 1))).toThrow(/nested deeper/);
    const quoted = Buffer.from(JSON.stringify({ text: `\\"${'['.repeat(1000)}` }));
    expect(() => refuseDeepJson(null, null, quoted)).not.toThrow();
  });
});
