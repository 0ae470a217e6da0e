import { describe, expect, it } from 'vitest';
import { PolicyFailure } from '../engine/failures.js';
import { xmlToJson } from './convert.js';

const friendly = (xml: string, alwaysArrayChildElements = false): unknown =>
  JSON.parse(xmlToJson(xml, { kind: 'javascript-friendly', alwaysArrayChildElements }));

describe('xmlToJson', () => {
  it('maps nested elements and repeated names to arrays', () => {
    expect(friendly('<r><a><b>1</b></a><i>x</i><i>y</i></r>')).toEqual({ r: { a: { b: '1' }, i: ['x', 'y'] } });
  });
  it('writes attributes as @name and text beside them as #text', () => {
    expect(friendly('<r id="1">hi</r>')).toEqual({ r: { '@id': '1', '#text': 'hi' } });
  });
  it('maps an empty element to null', () => {
    expect(friendly('<r/>')).toEqual({ r: null });
  });
  it('makes every child an array with always-array-child-elements', () => {
    expect(friendly('<r><a>1</a></r>', true)).toEqual({ r: { a: ['1'] } });
  });
  it('keeps prefixes, namespace declarations and the declaration in direct mode', () => {
    const xml = '<?xml version="1.0"?><s:E xmlns:s="urn:s"><s:B>1</s:B></s:E>';
    expect(JSON.parse(xmlToJson(xml, { kind: 'direct', alwaysArrayChildElements: false }))).toEqual({
      '?xml': { '@version': '1.0' },
      's:E': { '@xmlns:s': 'urn:s', 's:B': '1' },
    });
    expect(friendly(xml)).toEqual({ E: { B: '1' } });
  });
  it('refuses invalid XML with a policy failure', () => {
    expect(() => friendly('<a><b></a>')).toThrow(PolicyFailure);
  });
});
