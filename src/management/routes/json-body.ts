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
  const offset = faultOffset(text, error.message);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const reason = error.message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
  const message = `Malformed JSON body at position ${offset} (line ${line}, column ${column}): ${reason}.`;
  return new ValidationError(message, [{ code: 'MalformedJson', target: 'body', message, line, column }]);
}

/** V8 reports 'at position N'; an unexpected end has none and means the end of the text. */
function faultOffset(text: string, message: string): number {
  const match = /at position (\d+)/.exec(message);
  return match ? Math.min(Number(match[1]), text.length) : text.length;
}
