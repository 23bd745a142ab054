import type { RequestHandler } from 'express';
import { firstUnstorable } from '../domain/storableText';
import { fieldError } from './errors';

/** Deeper than any document of ours; bounds the work (and the stack) of everything that walks a body. */
export const MAX_JSON_DEPTH = 32;

/**
 * `express.json({ verify })`: refuses a body nested deeper than MAX_JSON_DEPTH before it is parsed, with one
 * pass over its bytes (brackets inside strings do not count).
 */
export function refuseDeepJson(_req: unknown, _res: unknown, body: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i += 1) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c)
        i += 1; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) {
        throw Object.assign(new Error(`the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`), {
          status: 400,
          type: 'entity.too.deep',
        });
      }
    } else if (byte === 0x7d || byte === 0x5d) depth -= 1;
  }
}

/**
 * Every text a client sends, in the query and the JSON body, must be storable by both databases: otherwise 400
 * naming the field, before any route sees it.
 */
export const refuseUnstorableText: RequestHandler = (req, _res, next) => {
  const problem = firstUnstorable(req.query) ?? firstUnstorable(req.body);
  next(problem ? fieldError(problem.field, { en: problem.reason, zh: problem.reasonZh }) : undefined);
};
