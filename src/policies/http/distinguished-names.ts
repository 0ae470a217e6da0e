/**
 * X.500 distinguished names as .NET shows them (`X509Certificate2.Subject`: the most specific
 * RDN first, `, `-separated, `S=` for a state, `E=` for an e-mail address, values quoted
 * when they hold a separator) and a lenient comparison for names written by hand in policies.
 */

export interface Rdn {
  /** Attribute type as written ('CN', 'O', 'S'…). */
  readonly type: string;
  readonly value: string;
}

/** OpenSSL short names that .NET spells differently. */
const DOTNET_TYPES: ReadonlyMap<string, string> = new Map([
  ['ST', 'S'],
  ['emailAddress', 'E'],
  ['GN', 'G'],
]);

/** Every spelling of a type folded to one key for comparisons. */
const TYPE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['S', 'ST'],
  ['E', 'EMAILADDRESS'],
  ['EMAIL', 'EMAILADDRESS'],
  ['G', 'GN'],
  ['GIVENNAME', 'GN'],
  ['SN', 'SURNAME'],
  ['COMMONNAME', 'CN'],
  ['ORGANIZATIONNAME', 'O'],
  ['ORGANIZATIONALUNITNAME', 'OU'],
  ['LOCALITYNAME', 'L'],
  ['COUNTRYNAME', 'C'],
  ['STATEORPROVINCENAME', 'ST'],
]);

/**
 * node's `X509Certificate.subject`/`.issuer` (one RDN per line, in certificate order,
 * RFC 2253 escapes) as RDNs in certificate order.
 */
export function parseNodeName(text: string): Rdn[] {
  const rdns: Rdn[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    for (const part of splitUnescaped(line, '+')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      rdns.push({ type: part.slice(0, eq).trim(), value: unescapeRfc2253(part.slice(eq + 1)) });
    }
  }
  return rdns;
}

/** RDNs in certificate order → .NET's `Subject`/`Issuer` text. */
export function dotnetName(rdns: readonly Rdn[]): string {
  const parts: string[] = [];
  for (let i = rdns.length - 1; i >= 0; i--) {
    const { type, value } = rdns[i];
    parts.push(`${DOTNET_TYPES.get(type) ?? type}=${quoteDotnet(value)}`);
  }
  return parts.join(', ');
}

/** The first value of `type` (e.g. 'CN'), or null. */
export function rdnValue(rdns: readonly Rdn[], type: string): string | null {
  const key = typeKey(type);
  for (let i = rdns.length - 1; i >= 0; i--) if (typeKey(rdns[i].type) === key) return rdns[i].value;
  return null;
}

/**
 * A name written in a policy (.NET's form, RFC 4514's, with or without spaces) as RDNs.
 * Separators are ',' and ';' outside quotes; values may be "quoted" (doubled quotes inside)
 * or use backslash escapes.
 */
export function parseWrittenName(text: string): Rdn[] {
  const rdns: Rdn[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === ' ' || text[i] === ',' || text[i] === ';')) i++;
    if (i >= n) break;
    const eq = text.indexOf('=', i);
    if (eq === -1) break;
    const type = text.slice(i, eq).trim();
    i = eq + 1;
    while (i < n && text[i] === ' ') i++;
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < n) {
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      while (i < n && text[i] !== ',' && text[i] !== ';') i++;
    } else {
      let raw = '';
      while (i < n && text[i] !== ',' && text[i] !== ';') {
        if (text[i] === '\\' && i + 1 < n) {
          raw += text.slice(i, i + 2);
          i += 2;
          continue;
        }
        raw += text[i++];
      }
      value = unescapeRfc2253(raw.trim());
    }
    rdns.push({ type, value });
  }
  return rdns;
}

/**
 * Same name? Attribute types compare by meaning (S = ST, E = emailAddress), values
 * case-insensitively (X.500's caseIgnoreMatch), and order does not matter, since .NET and
 * RFC 4514 write the RDNs in opposite orders.
 */
export function sameName(a: readonly Rdn[], b: readonly Rdn[]): boolean {
  if (a.length !== b.length) return false;
  const key = (r: Rdn): string => `${typeKey(r.type)}=${r.value.trim().toLowerCase()}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((entry, index) => entry === right[index]);
}

function typeKey(type: string): string {
  const upper = type.trim().toUpperCase();
  return TYPE_ALIASES.get(upper) ?? upper;
}

function quoteDotnet(value: string): string {
  if (value === '' || /[,+="\n<>#;]/.test(value) || value.trim() !== value) return `"${value.replaceAll('"', '""')}"`;
  return value;
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** `\,` → `,`; `\C3\A9` → the UTF-8 bytes they spell. */
function unescapeRfc2253(text: string): string {
  if (!text.includes('\\')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      const hex = text.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
      i++;
      bytes.push(...Buffer.from(text[i], 'utf8'));
      continue;
    }
    const char = String.fromCodePoint(text.codePointAt(i) ?? 0);
    bytes.push(...Buffer.from(char, 'utf8'));
    i += char.length - 1;
  }
  return Buffer.from(bytes).toString('utf8');
}
