import { describe, expect, it } from 'vitest';
import { parsePolicyXml } from './parser.js';
import { serializePolicyXml } from './serializer.js';
import { shapeOf } from './tree-shape.test-helper.js';
import type { PolicyFormat } from './types.js';

const document = [
  '<?xml version="1.0" encoding="utf-8"?>',
  '<!-- leading comment with "quotes" & <tags> -->',
  '<policies>',
  '  <inbound>',
  '    <base />',
  '    <set-variable name="v" value="@{',
  '      // a comment: "quoted", with < and &&',
  '      var x = $"{{{{named}}}}-{context.RequestId}";',
  '      return x.Length > 1 && x != "a" ? "<xml a=\'1\'/>" : @"C:\\dir";',
  '    }" />',
  "    <set-header name='X-Q' exists-action=\"override\">",
  '      <value>say &quot;hi&quot; &amp; https://h/?a=1&b=2 &lt;ok&gt;</value>',
  '    </set-header>',
  '    <set-body><![CDATA[<raw> & ]]]]><![CDATA[> stays]]></set-body>',
  '    <when condition="@(context.Request.Method != "GET" && n < 3)"></when>',
  '    <set-url>{{base-url}}/x</set-url>',
  '  </inbound>',
  '</policies>',
  '',
].join('\n');

describe('serializePolicyXml', () => {
  for (const from of ['rawxml', 'xml'] as const) {
    for (const to of ['rawxml', 'xml'] as const) {
      it(`${from} → ${to} → parse gives the same tree`, () => {
        const original = parsePolicyXml(document, 'rawxml');
        const start = from === 'rawxml' ? original : parsePolicyXml(serializePolicyXml(original, 'xml'), 'xml');
        const reparsed = parsePolicyXml(serializePolicyXml(start, to), to);
        expect(shapeOf(reparsed)).toEqual(shapeOf(start));
        expect(reparsed.nodes.map(shapeOf)).toEqual(start.nodes.map(shapeOf));
        expect(reparsed.declaration).toBe(start.declaration);
      });
    }
  }

  it('prints rawxml as written: expressions untouched, literals escaped only where needed', () => {
    const out = serializePolicyXml(parsePolicyXml(document, 'rawxml'), 'rawxml');
    expect(out).toContain('<when condition="@(context.Request.Method != "GET" && n < 3)"></when>');
    expect(out).toContain('value="@{\n      // a comment: "quoted", with < and &&\n');
    expect(out).toContain('<set-header name="X-Q" exists-action="override">');
    expect(out).toContain('<value>say "hi" & https://h/?a=1&b=2 &lt;ok></value>');
    expect(out).toContain('<base />');
  });

  it('prints a document without markup changes back byte for byte in rawxml', () => {
    const text = '<!-- c -->\n<policies>\n  <inbound>\n    <when condition="@(a != "b")">\n      <base />\n    </when>\n  </inbound>\n</policies>\n';
    expect(serializePolicyXml(parsePolicyXml(text, 'rawxml'), 'rawxml')).toBe(text);
  });

  it('prints xml with expressions escaped and attribute line breaks as references', () => {
    const out = serializePolicyXml(parsePolicyXml(document, 'rawxml'), 'xml');
    expect(out).toContain('<when condition="@(context.Request.Method != &quot;GET&quot; &amp;&amp; n &lt; 3)"></when>');
    expect(out).toContain('value="@{&#xA;      // a comment: &quot;quoted&quot;, with &lt; and &amp;&amp;&#xA;');
    expect(out).toContain('<value>say "hi" &amp; https://h/?a=1&amp;b=2 &lt;ok&gt;</value>');
    expect(out).toContain('<![CDATA[<raw> & ]]]]><![CDATA[> stays]]>');
    // Outside comments and CDATA, every & starts a reference, as an XML reader requires.
    const markupOnly = out.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g, '');
    expect(markupOnly).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#x[0-9A-F]+);)/);
  });

  it('escapes & in rawxml literals only when it would otherwise read as a reference', () => {
    const doc = parsePolicyXml('<v a="&amp;lt; &amp;#65; & x">&amp;amp; &amp;gt</v>', 'rawxml');
    const out = serializePolicyXml(doc, 'rawxml');
    expect(out).toBe('<v a="&amp;lt; &amp;#65; & x">&amp;amp; &gt</v>');
    expect(shapeOf(parsePolicyXml(out, 'rawxml'))).toEqual(shapeOf(doc));
  });

  it('prints a single element subtree', () => {
    const doc = parsePolicyXml('<policies><inbound><x a="@("q")"/></inbound></policies>', 'rawxml');
    const inbound = doc.root.children[0];
    if (inbound.kind !== 'element') throw new Error('expected an element');
    const formats: PolicyFormat[] = ['rawxml', 'xml'];
    expect(formats.map((format) => serializePolicyXml(inbound, format))).toEqual([
      '<inbound><x a="@("q")" /></inbound>',
      '<inbound><x a="@(&quot;q&quot;)" /></inbound>',
    ]);
  });
});
