import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { parseUrlTemplate } from './url-template.js';

function failure(template: string): ValidationError {
  try {
    parseUrlTemplate(template);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error(`expected '${template}' to be refused`);
}

describe('parseUrlTemplate', () => {
  it('parses literal and parameter segments', () => {
    const t = parseUrlTemplate('/customers/{cid}/orders/{oid}');
    expect(t.segments).toEqual([
      { kind: 'literal', value: 'customers' },
      { kind: 'param', name: 'cid' },
      { kind: 'literal', value: 'orders' },
      { kind: 'param', name: 'oid' },
    ]);
    expect(t.wildcard).toBeNull();
    expect(t.parameterNames).toEqual(['cid', 'oid']);
  });

  it('treats the root and a trailing slash as insignificant', () => {
    expect(parseUrlTemplate('/').segments).toEqual([]);
    expect(parseUrlTemplate('/users/').segments).toEqual([{ kind: 'literal', value: 'users' }]);
  });

  it('parses parameters mixed with literals inside one segment', () => {
    const t = parseUrlTemplate('/files/{name}.{ext}');
    expect(t.segments[1]).toEqual({
      kind: 'mixed',
      parts: [
        { kind: 'param', name: 'name' },
        { kind: 'literal', value: '.' },
        { kind: 'param', name: 'ext' },
      ],
    });
  });

  it('parses trailing wildcards, named or not', () => {
    expect(parseUrlTemplate('/*').wildcard).toEqual({ name: null });
    const named = parseUrlTemplate('/static/{*rest}');
    expect(named.segments).toEqual([{ kind: 'literal', value: 'static' }]);
    expect(named.wildcard).toEqual({ name: 'rest' });
    expect(named.parameterNames).toEqual(['rest']);
  });

  it('parses the APIM query template, captured and literal parts', () => {
    const t = parseUrlTemplate('/customers/{cid}/?date={date}&format=json&verbose');
    expect(t.segments).toHaveLength(2);
    expect(t.query).toEqual([
      { name: 'date', param: 'date', value: null },
      { name: 'format', param: null, value: 'json' },
      { name: 'verbose', param: null, value: null },
    ]);
    expect(t.parameterNames).toEqual(['cid', 'date']);
  });

  it('decodes percent-encoded literals', () => {
    expect(parseUrlTemplate('/a%20b').segments).toEqual([{ kind: 'literal', value: 'a b' }]);
  });

  it.each([
    ['', 'it is empty', undefined],
    ['users', "must start with '/'", 1],
    ['/users/{id', "unbalanced '{'", 8],
    ['/users/id}', "unbalanced '}'", 10],
    ['/users/{}', 'empty name', 9],
    ['/a/{id}/b/{id}', "'id' appears twice", 12],
    ['/a/{id}/b/{ID}', "'ID' appears twice", 12],
    ['/*/more', 'wildcard must be the last', 3],
    ['/{*rest}/more', 'wildcard must be the last', 9],
    ['/a{*rest}', 'must be a whole path segment', 3],
    ['/a/b c', "illegal character ' '", 5],
    ['/a/b*', "'*' is only allowed", 5],
    ['/a//b', 'empty path segment', 4],
    ['/{a}{b}', 'separated by a literal', 5],
    ['/{a/b}', "unbalanced '{'", 2],
    ['/a%2Fb', "encoded '/'", 2],
    ['/a%zz', 'two hex digits', 3],
    ['/x?q={q}&q={r}', "'q' appears twice", 10],
    ['/x?q={*all}', 'wildcard is not allowed', 6],
    ['/x?', 'empty query', 3],
    ['/x?a=1&', 'empty query part', 8],
    ['/x?q={q}x', 'single {parameter} or a literal', 9],
    ['/{na me}', 'may only hold letters', 3],
  ])('refuses %j: %s (character %s)', (template, reason, column) => {
    const err = failure(template);
    expect(err.message).toContain(reason);
    expect(err.details[0]).toMatchObject({ code: 'InvalidUrlTemplate', target: 'urlTemplate' });
    if (column !== undefined) {
      expect(err.details[0].column).toBe(column);
      expect(err.message).toContain(`(character ${column})`);
    }
  });

  it('bounds its input', () => {
    expect(failure('/' + 'a'.repeat(5000)).message).toContain('longer than');
  });
});
