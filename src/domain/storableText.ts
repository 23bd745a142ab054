import { bilingual, type Bilingual } from './language';

/**
 * Text that both databases can store. PostgreSQL `text` cannot hold U+0000; SQLite's and PostgreSQL's drivers
 * refuse a lone UTF-16 surrogate (it is not a character and has no UTF-8 form); U+FFFE, U+FFFF and
 * U+FDD0–U+FDEF are non-characters that no document of ours can mean. Refusing them at the door keeps an act
 * from being applied and then found unrecordable.
 */
const UNSTORABLE: readonly { found: (text: string) => boolean; reason: Bilingual }[] = [
  {
    found: (text) => text.includes('\u0000'),
    reason: bilingual(
      'contains a NUL character (U+0000), which the database cannot store',
      '含有数据库无法存储的空字符（U+0000）',
    ),
  },
  {
    found: (text) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text),
    reason: bilingual(
      'contains a lone UTF-16 surrogate (not a character), which the database cannot store',
      '含有数据库无法存储的孤立代理码元（UTF-16 surrogate，不是字符）',
    ),
  },
  {
    found: (text) => /[\uFFFE\uFFFF\uFDD0-\uFDEF]/.test(text),
    reason: bilingual(
      'contains a Unicode non-character (U+FFFE, U+FFFF or U+FDD0–U+FDEF)',
      '含有 Unicode 非字符（U+FFFE、U+FFFF 或 U+FDD0–U+FDEF）',
    ),
  },
];

/** Why `text` cannot be stored, or null when it can. */
export function unstorableTextReason(text: string): string | null {
  return unstorableText(text)?.en ?? null;
}

function unstorableText(text: string): Bilingual | null {
  for (const { found, reason } of UNSTORABLE) if (found(text)) return reason;
  return null;
}

/** Keys that would reach an object's prototype when a parsed body is copied or merged. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface UnstorableField {
  field: string;
  reason: string;
  /** The reason in Chinese. */
  reasonZh: string;
}

/** The first string or key in `value` (a parsed body or query) that the databases cannot store, with its path. */
export function firstUnstorable(value: unknown, root: string[] = []): UnstorableField | null {
  const pending: { value: unknown; path: string[] }[] = [{ value, path: root }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value: current, path } = next;
    if (typeof current === 'string') {
      const reason = unstorableText(current);
      if (reason) return { field: path.join('.') || '(body)', reason: reason.en, reasonZh: reason.zh };
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        const here = [...path, key];
        if (RESERVED_KEYS.has(key))
          return {
            field: here.join('.'),
            reason: `"${key}" is not accepted as a field name`,
            reasonZh: `不接受以“${key}”为字段名`,
          };
        const reason = unstorableText(key);
        if (reason)
          return {
            field: path.join('.') || '(body)',
            reason: `a field name ${reason.en}`,
            reasonZh: `字段名${reason.zh}`,
          };
        pending.push({ value: child, path: here });
      }
    }
  }
  return null;
}

/** An act's input holds text no database here can store: its Update is refused, nothing changes. */
export class UnstorableInput extends Error {
  override readonly name = 'UnstorableInput';

  /** Why, in Chinese; the message names the field and says why in English. */
  readonly reasonZh: string;

  constructor(found: UnstorableField) {
    super(`${found.field}: ${found.reason}`);
    this.reasonZh = found.reasonZh;
  }
}

/** Refuses, in an Update validator, input that could never be recorded with the act's event. */
export function assertStorable(input: unknown): void {
  const found = firstUnstorable(input);
  if (found) throw new UnstorableInput(found);
}
