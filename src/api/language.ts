import type { Request, Response } from 'express';
import type { Language } from '../domain/language';

/**
 * The language of what the API explains (error messages, refusal reasons): the first of English and Chinese the
 * client prefers by Accept-Language (zh, zh-CN and the other zh-* ask for Chinese); English when it says nothing.
 * The answer says that it depends on the header (Vary).
 */
export function languageOf(req: Request, res: Response): Language {
  res.vary('Accept-Language');
  const preferred = req.acceptsLanguages('en', 'zh-CN', 'zh');
  return preferred === 'zh-CN' || preferred === 'zh' ? 'zh' : 'en';
}

/** The Content-Language of an answer in `language`. */
export const CONTENT_LANGUAGE: Record<Language, string> = { en: 'en', zh: 'zh-CN' };

/**
 * The language zod's schema-level messages are written in while a value is parsed. English; Chinese only while a
 * request that failed is parsed again for a client asking for Chinese (parsedInChinese). zod reads a schema's
 * messages synchronously during safeParse, so the switch never leaks into another request's parse.
 */
let schemaLanguage: Language = 'en';

/** A schema's own message (an issue's `message`, e.g. in superRefine), in the language being parsed in. */
export const schemaText = (en: string, zh: string): string => (schemaLanguage === 'zh' ? zh : en);

/** A schema's own message as zod's params take it (`.min(1, schemaMessage(…))`, `.refine(check, schemaMessage(…))`). */
export const schemaMessage = (en: string, zh: string) => ({ error: () => schemaText(en, zh) });

/** Runs a synchronous parse with the schemas' own messages in Chinese. */
export function parsedInChinese<T>(parse: () => T): T {
  schemaLanguage = 'zh';
  try {
    return parse();
  } finally {
    schemaLanguage = 'en';
  }
}
