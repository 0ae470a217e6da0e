import { describe, expect, it } from 'vitest';
import { dotnetName, parseNodeName, parseWrittenName, rdnValue, sameName } from './distinguished-names.js';

describe('distinguished names', () => {
  it("prints node's subject the way .NET does: most specific RDN first, S= and E=", () => {
    const rdns = parseNodeName('C=US\nST=WA\nO=Contoso\nCN=client-1\nemailAddress=a@contoso.com');
    expect(dotnetName(rdns)).toBe('E=a@contoso.com, CN=client-1, O=Contoso, S=WA, C=US');
    expect(rdnValue(rdns, 'CN')).toBe('client-1');
  });

  it('unescapes RFC 2253 escapes and quotes values holding separators', () => {
    const rdns = parseNodeName('CN=a\\+b\\, \\"c\\"\nO=Caf\\C3\\A9');
    expect(rdns).toEqual([
      { type: 'CN', value: 'a+b, "c"' },
      { type: 'O', value: 'Café' },
    ]);
    expect(dotnetName(rdns)).toBe('O=Café, CN="a+b, ""c"""');
  });

  it('reads names written by hand in .NET or RFC 4514 form', () => {
    expect(parseWrittenName('CN="a+b, ""c""", O=Contoso')).toEqual([
      { type: 'CN', value: 'a+b, "c"' },
      { type: 'O', value: 'Contoso' },
    ]);
    expect(parseWrittenName('CN=x\\,y;O=Z')).toEqual([
      { type: 'CN', value: 'x,y' },
      { type: 'O', value: 'Z' },
    ]);
    expect(parseWrittenName('   ')).toEqual([]);
  });

  it('compares names ignoring RDN order, type aliases and case', () => {
    const certificate = parseNodeName('CN=client-1\nO=Contoso\nST=WA');
    expect(sameName(certificate, parseWrittenName('s=wa, o=contoso, cn=Client-1'))).toBe(true);
    expect(sameName(certificate, parseWrittenName('CN=client-1, O=Contoso'))).toBe(false);
    expect(sameName(certificate, parseWrittenName('CN=client-2, O=Contoso, ST=WA'))).toBe(false);
  });
});
