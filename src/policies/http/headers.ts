/** Header changes as set-header's `exists-action` defines them, on request or response header records. */

export type ExistsAction = 'override' | 'skip' | 'append' | 'delete';
export const EXISTS_ACTIONS: readonly ExistsAction[] = ['override', 'skip', 'append', 'delete'];

type HeaderRecord = Record<string, string | string[] | number | undefined>;

/**
 * Headers whose value frames the message or the connection: a policy setting them could
 * desynchronise the gateway, the client and the backend (request smuggling), so the
 * gateway owns them. Content-Length follows any body a policy sets.
 */
const GATEWAY_OWNED: ReadonlySet<string> = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
]);

export function isGatewayOwnedHeader(lowerName: string): boolean {
  return GATEWAY_OWNED.has(lowerName);
}

/** Header names are tokens (RFC 9110); anything else cannot be sent. */
export function isValidHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name);
}

/** Values must not carry CR, LF or NUL: that would split the header. */
export function safeHeaderValue(value: string): string {
  return /[\r\n\0]/.test(value) ? value.replace(/[\r\n\0]+/g, ' ') : value;
}

export function applyHeader(headers: HeaderRecord, lowerName: string, values: readonly string[], action: ExistsAction): void {
  const existing = headers[lowerName];
  switch (action) {
    case 'delete':
      delete headers[lowerName];
      return;
    case 'skip':
      if (existing === undefined) headers[lowerName] = single(values);
      return;
    case 'override':
      headers[lowerName] = single(values);
      return;
    case 'append':
      if (existing === undefined) headers[lowerName] = single(values);
      else if (values.length > 0) headers[lowerName] = [...(Array.isArray(existing) ? existing : [String(existing)]), ...values];
      return;
  }
}

function single(values: readonly string[]): string | string[] {
  if (values.length === 0) return '';
  return values.length === 1 ? values[0] : [...values];
}
