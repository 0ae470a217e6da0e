import { describe, expect, it } from 'vitest';
import { PolicyFailure } from '../engine/failures.js';
import { jsonToXml } from './convert.js';

const HEAD = '<?xml version="1.0" encoding="utf-8"?>';

describe('jsonToXml', () => {
  it('wraps nested objects in <Document>', () => {
    expect(jsonToXml('{"a":{"b":1,"c":"x<"}}')).toBe(`${HEAD}<Document><a><b>1</b><c>x&lt;</c></a></Document>`);
  });
  it('repeats an element per array item, and a top-level array as <Array>', () => {
    expect(jsonToXml('{"n":[1,2]}')).toBe(`${HEAD}<Document><n>1</n><n>2</n></Document>`);
    expect(jsonToXml('[true]')).toBe(`${HEAD}<Document><Array>true</Array></Document>`);
  });
  it('writes empty elements for null and {}', () => {
    expect(jsonToXml('{"a":null,"b":{}}')).toBe(`${HEAD}<Document><a /><b /></Document>`);
  });
  it('takes attributes from the attribute block', () => {
    expect(jsonToXml('{"a":{"$":{"id":"7"},"v":"t"}}', { attributeBlockName: '$' })).toBe(`${HEAD}<Document><a id="7"><v>t</v></a></Document>`);
  });
  it('refuses invalid JSON with a policy failure', () => {
    expect(() => jsonToXml('{oops')).toThrow(PolicyFailure);
    expect(() => jsonToXml('{"a":'.repeat(300) + '1' + '}'.repeat(300))).toThrow(/nested too deeply/);
  });
});
