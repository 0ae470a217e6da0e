import { describe, expect, it } from 'vitest';
import { scanExpression, startsExpression } from './csharp-scanner.js';

/** Scans an expression at the start of `text` and returns the part the scanner took. */
function taken(text: string): string {
  const result = scanExpression(text, 0);
  if (!result.ok) throw new Error(`scan failed: ${result.message} at ${result.index}`);
  return text.slice(0, result.end);
}

/** The expression, followed by what a raw attribute would hold after it. */
function expectWhole(expression: string): void {
  expect(taken(`${expression}" />`)).toBe(expression);
}

describe('startsExpression', () => {
  it('recognises @( and @{ only', () => {
    expect(startsExpression('@(x)', 0)).toBe(true);
    expect(startsExpression('@{x}', 0)).toBe(true);
    expect(startsExpression('@x', 0)).toBe(false);
    expect(startsExpression('a@(x)', 0)).toBe(false);
    expect(startsExpression('a@(x)', 1)).toBe(true);
  });
});

describe('scanExpression: where an expression ends', () => {
  it('balances parentheses, brackets and braces', () => {
    expectWhole('@(a(b[c], d(e)) + f)');
    expectWhole('@{ if (x) { return y[0]; } return z; }');
    expectWhole('@(new[] { 1, 2 }.Select(n => n * 2))');
  });

  it('ignores brackets and quotes of the other kind inside regular strings', () => {
    expectWhole('@(")")');
    expectWhole('@("}(]" + "\'")');
    expectWhole('@("say \\"hi\\" )")');
    expectWhole('@("back\\\\" + ")")');
  });

  it('reads char literals, including quotes, braces and escapes', () => {
    expectWhole("@(s.Split(')'))");
    expectWhole("@{ return s.IndexOf('{') + s.IndexOf('}'); }");
    expectWhole("@(c == '\\'' || c == '\"' || c == '\\\\')");
  });

  it('reads verbatim strings: backslash is literal, "" is a quote, line breaks allowed', () => {
    expectWhole('@(@"C:\\dir\\" + x)');
    expectWhole('@(@"say ""hi)"" ")');
    // Where "" is not just two adjacent strings: a backslash or a line break between the pairs.
    expectWhole('@(@"path ""C:\\"" )")');
    expectWhole('@(@"a ""\n"" b)")');
    expectWhole('@{ var s = @"line one )\nline two }"; return s; }');
  });

  it('reads interpolated strings with holes, escaped braces and nested strings', () => {
    expectWhole('@($"{a})")');
    expectWhole('@($"{{literal}} {x} }}")');
    expectWhole('@($"{{(}} {x}")');
    expectWhole('@($"{d["key)"]}")');
    expectWhole('@($"{{CookiePrefix}}-{(string)context.Variables["state"]}=; path=/")');
  });

  it('reads format clauses, which run to the hole\'s closing brace', () => {
    expectWhole('@($"{DateTime.Now:yyyy-MM-dd HH:mm}")');
    expectWhole('@($"{x:0)}")');
  });

  it('reads nested interpolated strings inside parenthesised holes', () => {
    expectWhole('@($"https://{host}{(port != 443 ? $":{port}" : "")}/cb")');
  });

  it('reads verbatim interpolated strings in both prefix orders', () => {
    expectWhole('@($@"C:\\{dir}\\ ""q"" {{x}} )")');
    expectWhole('@(@$"multi\nline {x} )")');
    expectWhole('@($@"C:\\""{x}\\"" )")');
  });

  it('skips // and /* */ comments, whatever they contain', () => {
    expectWhole('@{ // a comment with ) } " and -->\n return 1; }');
    expectWhole('@{ /* ) } " --> */ return 1; }');
    expectWhole('@(a /* ) */ + b)');
  });

  it('treats generics, shifts and comparisons as plain characters', () => {
    expectWhole('@(context.Variables.GetValueOrDefault<bool>("x") && n < 3)');
    expectWhole('@(new Dictionary<string, List<int>>() != null && a >> 2 > b << 1)');
    expectWhole('@(items.Where(i => i.Count >= 2).ToList<Item>())');
  });

  it('reads whole XML documents held in strings', () => {
    expectWhole('@{ return "<root><child attr=\\"1\\">}</child></root>"; }');
    expectWhole('@(@"<a href=""x"">)</a>")');
  });

  it('balances the braces of {{named-value}} placeholders in code', () => {
    expectWhole('@{ var key = {{TokenEncryptionKey}}; return key == 1; }');
  });

  it('reads verbatim identifiers', () => {
    expectWhole('@(@class.Name)');
  });

  it('stops at the first balanced close, leaving the rest', () => {
    expect(taken('@(a)) + b')).toBe('@(a)');
    expect(taken('@{ return 1; }}')).toBe('@{ return 1; }');
  });

  it('honours the limit', () => {
    const result = scanExpression('@(a)', 0, 3);
    expect(result.ok).toBe(false);
  });
});

describe('scanExpression: errors', () => {
  const failure = (text: string) => {
    const result = scanExpression(text, 0);
    if (result.ok) throw new Error(`expected a failure, got end ${result.end}`);
    return { reason: result.reason, index: result.index };
  };

  it('reports an unclosed expression at its @', () => {
    expect(failure('@(a(b)')).toEqual({ reason: 'UnterminatedExpression', index: 0 });
    expect(failure('@{ return 1;')).toEqual({ reason: 'UnterminatedExpression', index: 0 });
    expect(failure('@(x // the comment eats the close )')).toEqual({ reason: 'UnterminatedExpression', index: 0 });
  });

  it('reports a regular string or char literal that reaches a line break at its opening quote', () => {
    expect(failure('@(a + "abc\n")')).toEqual({ reason: 'UnterminatedString', index: 6 });
    expect(failure("@(a + 'b\n')")).toEqual({ reason: 'UnterminatedString', index: 6 });
    expect(failure('@("abc\\\n")')).toEqual({ reason: 'UnterminatedString', index: 2 });
    expect(failure('@("abc')).toEqual({ reason: 'UnterminatedString', index: 2 });
  });

  it('reports unterminated verbatim and interpolated strings at their prefix', () => {
    expect(failure('@(@"abc)')).toEqual({ reason: 'UnterminatedString', index: 2 });
    expect(failure('@(x + $"a{b}')).toEqual({ reason: 'UnterminatedString', index: 6 });
    expect(failure('@($"a\nb")')).toEqual({ reason: 'UnterminatedString', index: 2 });
    expect(failure('@($@"a{b}\n')).toEqual({ reason: 'UnterminatedString', index: 2 });
    expect(failure('@($"{x:N2")')).toEqual({ reason: 'UnterminatedString', index: 2 });
  });

  it('reports an unterminated block comment at /*', () => {
    expect(failure('@(a /* b)')).toEqual({ reason: 'UnterminatedComment', index: 4 });
  });

  it('reports a closing bracket of the wrong kind where it is', () => {
    expect(failure('@(a[1)')).toEqual({ reason: 'MismatchedBracket', index: 5 });
    expect(failure('@{ f(); ) }')).toEqual({ reason: 'MismatchedBracket', index: 8 });
    expect(failure('@($"{a)}")')).toEqual({ reason: 'MismatchedBracket', index: 6 });
  });
});
