import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../model/errors.js';

/**
 * Replaces fastify's JSON parser so a malformed body gets APIM's error envelope with
 * the position (offset, line, column) of the fault, and an empty body means "no
 * properties" (the SDK sends none for link PUTs).
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(/^application\/([a-z0-9.+-]+\+)?json$/i, { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text) as unknown);
    } catch (error) {
      done(malformedJson(text, error as Error), undefined);
    }
  });
}

function malformedJson(text: string, error: Error): ValidationError {
  const offset = faultOffset(text);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const message = `Malformed JSON body at position ${offset} (line ${line}, column ${column}): ${faultReason(error.message)}.`;
  return new ValidationError(message, [{ code: 'MalformedJson', target: 'body', message, line, column }]);
}

/**
 * V8 quotes the text around the fault in some messages ('Unexpected token …, "…" is not
 * valid JSON'), which could echo a secret from the body; keep only messages that quote
 * nothing, and describe the rest generically.
 */
function faultReason(v8Message: string): string {
  const reason = v8Message.replace(/ (in|after) JSON at position \d+.*$/s, '');
  if (/^Unexpected end of JSON input/.test(reason)) return 'unexpected end of input';
  if (reason.includes('"') && !/^Expected/.test(reason)) return 'unexpected character';
  return reason.charAt(0).toLowerCase() + reason.slice(1);
}

/**
 * The offset of the first character that cannot continue a JSON text. Not every V8
 * message carries a position, so find it by bisection: a prefix that parses, or fails
 * only for ending early, can still be continued (prefixes of a viable prefix are viable);
 * the longest such prefix ends at the fault. Only malformed bodies pay for this (about 20 parses of at most the body limit).
 */
function faultOffset(text: string): number {
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const middle = (good + bad) >>> 1;
    if (viablePrefix(text.slice(0, middle))) good = middle;
    else bad = middle;
  }
  return viablePrefix(text.slice(0, bad)) ? bad : good;
}

function viablePrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    // A fault reported at the very end of the prefix means it only ended too early.
    const at = /at position (\d+)/.exec(message);
    if (at) return Number(at[1]) >= prefix.length;
    return /^Unexpected end of JSON input/.test(message) || prefix.trim() === '';
  }
}
