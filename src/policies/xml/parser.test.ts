import { describe, expect, it } from 'vitest';
import { expressionBody, getAttribute } from './navigation.js';
import { parsePolicyXml } from './parser.js';
import { positionInValue } from './positions.js';
import { findElement, shapeOf } from './tree-shape.test-helper.js';
import type { PolicyDocument, PolicyElement, PolicyText } from './types.js';

const raw = (text: string): PolicyDocument => parsePolicyXml(text, 'rawxml');
const xml = (text: string): PolicyDocument => parsePolicyXml(text, 'xml');

function element(doc: PolicyDocument, name: string): PolicyElement {
  const found = findElement(doc, name);
  if (found === undefined) throw new Error(`no <${name}>`);
  return found;
}

function attr(doc: PolicyDocument, elementName: string, attributeName: string) {
  const found = getAttribute(element(doc, elementName), attributeName);
  if (found === undefined) throw new Error(`no ${attributeName} on <${elementName}>`);
  return found;
}

function texts(el: PolicyElement): PolicyText[] {
  return el.children.filter((child): child is PolicyText => child.kind === 'text');
}

describe('rawxml attributes', () => {
  it('reads an expression holding quotes, <, && and generics inside a "-quoted attribute', () => {
    const source = '<when condition="@(context.Variables.GetValueOrDefault<bool>("x") && n < 3)" id="w1"/>';
    const doc = raw(source);
    const condition = attr(doc, 'when', 'condition');
    expect(condition.value).toBe('@(context.Variables.GetValueOrDefault<bool>("x") && n < 3)');
    expect(condition.isExpression).toBe(true);
    expect(attr(doc, 'when', 'id')).toMatchObject({ value: 'w1', isExpression: false });
  });

  it('reads \'-quoted attributes, literal and expression (with char literals inside)', () => {
    const doc = raw(`<x a='say "hi"' b='@(s.Split(',')[0] == "it's")' />`);
    expect(attr(doc, 'x', 'a')).toMatchObject({ value: 'say "hi"', isExpression: false });
    expect(attr(doc, 'x', 'b')).toMatchObject({ value: `@(s.Split(',')[0] == "it's")`, isExpression: true });
  });

  it('reads a multi-line @{ } block with every literal form and comments', () => {
    const block = [
      '@{',
      '    // a comment with a quote " and a --> and a )',
      '    /* and a block comment with } */',
      '    var a = "string with \\" and ) and <tag>";',
      '    var b = @"verbatim "" with \\ and }";',
      '    var c = $"interpolated {a.Length} {{braces}} {(a == "x" ? $"{b}" : "")}";',
      '    var d = $@"verbatim interpolated {c} ""quoted""";',
      "    var e = '\"';",
      '    return a + b + c + d + e;',
      '}',
    ].join('\n');
    const doc = raw(`<policies>\n  <set-variable name="v" value="${block}" />\n</policies>`);
    expect(attr(doc, 'set-variable', 'value')).toMatchObject({ value: block, isExpression: true });
  });

  it('keeps expression text exactly as written (entities are not decoded)', () => {
    const doc = raw('<x a="@(&quot;&amp;&quot;)" />');
    expect(attr(doc, 'x', 'a').value).toBe('@(&quot;&amp;&quot;)');
  });

  it('decodes entities in literal values', () => {
    const doc = raw('<x a="a &amp; b &lt;c&gt; &quot;q&quot; &apos;s&apos; &#65;&#x42;&#x1F600;" />');
    expect(attr(doc, 'x', 'a').value).toBe('a & b <c> "q" \'s\' AB\u{1F600}');
  });

  it('keeps an & that starts no reference, as APIM accepts in raw URLs', () => {
    const doc = raw('<x a="https://h/?a=1&b=2&amp;c" />');
    expect(attr(doc, 'x', 'a').value).toBe('https://h/?a=1&b=2&c');
  });

  it('accepts whitespace around = and after an expression, dropping the latter', () => {
    const doc = raw('<x a = "@(1)  " />');
    expect(attr(doc, 'x', 'a')).toMatchObject({ value: '@(1)', isExpression: true });
  });

  it('treats a value that only contains an expression, or starts with a space, as literal', () => {
    const doc = raw('<x a="Bearer @(token)" b=" @(x)" c="@x" />');
    expect(attr(doc, 'x', 'a')).toMatchObject({ value: 'Bearer @(token)', isExpression: false });
    expect(attr(doc, 'x', 'b')).toMatchObject({ value: ' @(x)', isExpression: false });
    expect(attr(doc, 'x', 'c')).toMatchObject({ value: '@x', isExpression: false });
  });

  it('gives attribute and value positions', () => {
    const doc = raw('<policies>\n  <x   first="1"\n     second="@(a)" />\n</policies>');
    expect(attr(doc, 'x', 'first')).toMatchObject({ line: 2, column: 8, offset: 18, valueLine: 2, valueColumn: 15, valueOffset: 25 });
    expect(attr(doc, 'x', 'second')).toMatchObject({ line: 3, column: 6, valueLine: 3, valueColumn: 14 });
    expect(element(doc, 'x')).toMatchObject({ line: 2, column: 3, offset: 13, selfClosing: true });
  });
});

describe('rawxml text', () => {
  it('reads an expression text node holding <, >, && and an XML string', () => {
    const body = '@{ return "<root><child a=\\"1\\">x &amp; y</child></root>" + (a < b && c > d ? "<" : ">"); }';
    const doc = raw(`<set-body>${body}</set-body>`);
    const [text] = texts(element(doc, 'set-body'));
    expect(text).toMatchObject({ value: body, isExpression: true, cdata: false, line: 1, column: 11 });
  });

  it('splits whitespace around an expression into literal nodes of their own', () => {
    const doc = raw('<set-body>\n    @("x")\n  </set-body>');
    const nodes = texts(element(doc, 'set-body'));
    expect(nodes.map((node) => [node.value, node.isExpression])).toEqual([
      ['\n    ', false],
      ['@("x")', true],
      ['\n  ', false],
    ]);
    expect(nodes[1]).toMatchObject({ line: 2, column: 5, offset: 15 });
  });

  it('treats text that merely contains an expression as literal (APIM: the whole value must be one)', () => {
    const doc = raw('<value>Bearer @(token) {{suffix}}</value>');
    const [text] = texts(element(doc, 'value'));
    expect(text).toMatchObject({ value: 'Bearer @(token) {{suffix}}', isExpression: false });
    expect(text.namedValues.map((ref) => ref.name)).toEqual(['suffix']);
  });

  it('decodes entities in literal text but keeps bare & and >', () => {
    const doc = raw('<value>a &lt;b&gt; &amp; c & d > e</value>');
    expect(texts(element(doc, 'value'))[0].value).toBe('a <b> & c & d > e');
  });

  it('ends an XML comment at the first -->, whatever it holds', () => {
    const doc = raw('<p><!-- @("--" + ") <x> " --><v>1</v></p>');
    const p = element(doc, 'p');
    expect(p.children[0]).toMatchObject({ kind: 'comment', value: ' @("--" + ") <x> " ', line: 1, column: 4 });
    expect(element(doc, 'v').children).toHaveLength(1);
  });

  it('does not end an expression at a --> inside a C# comment or string', () => {
    const code = '@{ /* --> */ return "-->"; // -->\n }';
    const doc = raw(`<p><v>${code}</v><!-- real --></p>`);
    expect(texts(element(doc, 'v'))[0]).toMatchObject({ value: code, isExpression: true });
    expect(element(doc, 'p').children[1]).toMatchObject({ kind: 'comment', value: ' real ' });
  });

  it('reads CDATA as literal text, or as an expression when that is all it holds', () => {
    const doc = raw('<p><a><![CDATA[<xml a="1"/> & &amp; ]]></a><b><![CDATA[@(a < b && c)]]></b></p>');
    expect(texts(element(doc, 'a'))[0]).toMatchObject({ value: '<xml a="1"/> & &amp; ', isExpression: false, cdata: true });
    expect(texts(element(doc, 'b'))[0]).toMatchObject({ value: '@(a < b && c)', isExpression: true, cdata: true, column: 56 });
  });

  it('keeps comments and whitespace around the root, and the declaration', () => {
    const doc = raw('<?xml version="1.0" encoding="utf-8"?>\n<!-- about -->\n<policies />\n');
    expect(doc.declaration).toBe('<?xml version="1.0" encoding="utf-8"?>');
    expect(doc.nodes.map((node) => node.kind)).toEqual(['text', 'comment', 'text', 'element', 'text']);
    expect(doc.root).toMatchObject({ name: 'policies', line: 3, column: 1 });
  });

  it('drops a byte-order mark so line 1 columns are what editors show', () => {
    expect(raw('\uFEFF<policies a="1"/>').root.attributes[0]).toMatchObject({ column: 11, valueColumn: 14 });
  });
});

describe('{{named-value}} placeholders', () => {
  it('are found in literal attributes and text, with exact positions', () => {
    const doc = raw('<p>\n  <set-url>https://{{host}}.example/{{path-1}}</set-url>\n  <x v="a{{my.name_2}}" />\n</p>');
    const [url] = texts(element(doc, 'set-url'));
    expect(url.namedValues).toEqual([
      { name: 'host', index: 8, length: 8, line: 2, column: 20, offset: 23 },
      { name: 'path-1', index: 25, length: 10, line: 2, column: 37, offset: 40 },
    ]);
    expect(attr(doc, 'x', 'v').namedValues).toMatchObject([{ name: 'my.name_2', index: 1, line: 3, column: 10 }]);
  });

  it('are found inside expressions, in strings and in code', () => {
    const doc = raw('<v>@{ var k = {{Key}}; return $"{{Prefix}}-{k}" + "{{client-id}}"; }</v>');
    expect(texts(element(doc, 'v'))[0].namedValues.map((ref) => ref.name)).toEqual(['Key', 'Prefix', 'client-id']);
  });

  it('are positioned after decoded entities in the xml format', () => {
    const doc = xml('<v>&amp;&amp;{{name}}</v>');
    expect(texts(element(doc, 'v'))[0].namedValues).toEqual([{ name: 'name', index: 2, length: 8, line: 1, column: 14, offset: 13 }]);
  });

  it('are not Liquid tags or C# initialisers', () => {
    const doc = raw('<set-body template="liquid">{{ body.name }} {{context.Request.MatchedParameters["x"]}}</set-body>');
    expect(texts(element(doc, 'set-body'))[0].namedValues).toEqual([]);
  });
});

describe('xml format', () => {
  it('decodes entities before deciding whether a value is an expression', () => {
    const doc = xml('<when condition="@(context.Request.Method != &quot;GET&quot; &amp;&amp; n &lt; 3)" />');
    expect(attr(doc, 'when', 'condition')).toMatchObject({
      value: '@(context.Request.Method != "GET" && n < 3)',
      isExpression: true,
    });
  });

  it('reads expression text with escaped XML strings', () => {
    const doc = xml('<set-body>\n  @{ return "&lt;a href=\\"x\\"&gt;&amp;&lt;/a&gt;"; }\n</set-body>');
    const nodes = texts(element(doc, 'set-body'));
    expect(nodes[1]).toMatchObject({ value: '@{ return "<a href=\\"x\\">&</a>"; }', isExpression: true, line: 2, column: 3 });
  });

  it('maps positions inside a decoded expression back to the document', () => {
    const doc = xml('<x c="@(a == &quot;b&quot; &amp;&amp; c)" />');
    const condition = attr(doc, 'x', 'c');
    expect(condition.value).toBe('@(a == "b" && c)');
    const c = condition.value.lastIndexOf('c');
    // "@(a == " is 7 chars, each entity 6, "b" 1, " " 1, each &amp; 5, " " 1: c sits at offset 6+7+6+1+6+1+10+1.
    expect(positionInValue(condition, c)).toEqual({ line: 1, column: 39, offset: 38 });
    expect(positionInValue(condition, condition.value.indexOf('b'))).toEqual({ line: 1, column: 20, offset: 19 });
  });

  it('keeps CDATA content literal', () => {
    const doc = xml('<v><![CDATA[@("&amp;" + a < b)]]></v>');
    expect(texts(element(doc, 'v'))[0]).toMatchObject({ value: '@("&amp;" + a < b)', isExpression: true, cdata: true });
  });
});

describe('positionInValue and expressionBody', () => {
  it('turns an index inside a multi-line rawxml block into a document position', () => {
    const doc = raw('<p>\n  <v>@{\n    var x = 1;\n    return y;\n  }</v>\n</p>');
    const [block] = texts(element(doc, 'v'));
    expect(block).toMatchObject({ line: 2, column: 6 });
    expect(positionInValue(block, block.value.indexOf('y'))).toMatchObject({ line: 4, column: 12 });
  });

  it('counts \\r\\n as one line break', () => {
    const doc = raw('<p>\r\n<v>@{\r\n  return y; }</v></p>');
    const [block] = texts(element(doc, 'v'));
    expect(block).toMatchObject({ line: 2, column: 4 });
    expect(positionInValue(block, block.value.indexOf('y'))).toMatchObject({ line: 3, column: 10 });
  });

  it('splits an expression into its form and code', () => {
    const doc = raw('<p a="@(1 + 2)"><v>@{ return 3; }</v></p>');
    const single = expressionBody(attr(doc, 'p', 'a'));
    expect(single).toEqual({ kind: 'single', code: '1 + 2', index: 2 });
    const block = expressionBody(texts(element(doc, 'v'))[0]);
    expect(block).toEqual({ kind: 'block', code: ' return 3; ', index: 2 });
    expect(() => expressionBody(texts(raw('<v>x</v>').root)[0])).toThrow(TypeError);
  });
});

describe('both formats give the same tree', () => {
  const rawDocument = [
    '<policies>',
    '  <inbound>',
    '    <!-- check the caller -->',
    '    <choose>',
    '      <when condition="@(context.Request.Headers.GetValueOrDefault("x", "") != "" && n < 3)">',
    '        <set-header name="Authorization" exists-action="override">',
    '          <value>@("Bearer " + (string)context.Variables["token"])</value>',
    '        </set-header>',
    '        <set-body>@{',
    '          var s = "<a href=\\"x\\">link</a>";',
    "          return s + '&' + $\"{{{{name}}}}\";",
    '        }</set-body>',
    '      </when>',
    '    </choose>',
    '    <set-url>https://{{host}}/a?b=1&amp;c=2</set-url>',
    '    <set-variable name="q" value=\'say "hi" &amp; bye\' />',
    '    <base />',
    '  </inbound>',
    '</policies>',
  ].join('\n');

  const xmlDocument = [
    '<policies>',
    '  <inbound>',
    '    <!-- check the caller -->',
    '    <choose>',
    '      <when condition="@(context.Request.Headers.GetValueOrDefault(&quot;x&quot;, &quot;&quot;) != &quot;&quot; &amp;&amp; n &lt; 3)">',
    '        <set-header name="Authorization" exists-action="override">',
    '          <value>@("Bearer " + (string)context.Variables["token"])</value>',
    '        </set-header>',
    '        <set-body>@{',
    '          var s = "&lt;a href=\\"x\\"&gt;link&lt;/a&gt;";',
    "          return s + '&amp;' + $\"{{{{name}}}}\";",
    '        }</set-body>',
    '      </when>',
    '    </choose>',
    '    <set-url>https://{{host}}/a?b=1&amp;c=2</set-url>',
    '    <set-variable name="q" value="say &quot;hi&quot; &amp; bye" />',
    '    <base />',
    '  </inbound>',
    '</policies>',
  ].join('\n');

  it('for a document written both ways by hand', () => {
    expect(shapeOf(xml(xmlDocument))).toEqual(shapeOf(raw(rawDocument)));
  });

  it('and the shared shape is the expected one', () => {
    const doc = raw(rawDocument);
    expect(attr(doc, 'when', 'condition').value).toBe(
      '@(context.Request.Headers.GetValueOrDefault("x", "") != "" && n < 3)',
    );
    expect(texts(element(doc, 'set-body'))[0].value).toContain('"<a href=\\"x\\">link</a>"');
    expect(texts(element(doc, 'set-url'))[0]).toMatchObject({ value: 'https://{{host}}/a?b=1&c=2', isExpression: false });
    expect(attr(doc, 'set-variable', 'value').value).toBe('say "hi" & bye');
  });
});
