import { describe, expect, it } from 'vitest';
import { PreconditionFailedError } from '../model/errors.js';
import { assertIfMatch, etagHeader } from './etag-match.js';

describe('If-Match', () => {
  it('passes without the header, on *, and on a matching tag in any of its spellings', () => {
    expect(() => assertIfMatch(undefined, undefined)).not.toThrow();
    expect(() => assertIfMatch('*', '"a"')).not.toThrow();
    expect(() => assertIfMatch('"a"', '"a"')).not.toThrow();
    expect(() => assertIfMatch('a', '"a"')).not.toThrow();
    expect(() => assertIfMatch('W/"a"', '"a"')).not.toThrow();
    expect(() => assertIfMatch('"x", "a"', '"a"')).not.toThrow();
  });

  it('fails on a different tag, and on anything when the resource is missing', () => {
    expect(() => assertIfMatch('"b"', '"a"')).toThrow(PreconditionFailedError);
    expect(() => assertIfMatch('*', undefined)).toThrow(PreconditionFailedError);
  });

  it('quotes a bare ETag for the header', () => {
    expect(etagHeader('abc')).toBe('"abc"');
    expect(etagHeader('"abc"')).toBe('"abc"');
  });
});
