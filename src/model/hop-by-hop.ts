/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1, plus the
 * legacy ones proxies still meet). Neither the gateway's forward nor a policy's own
 * call (send-request) may pass them on. `proxy-authorization` is credentials for
 * *this* hop; forwarding it would leak them.
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);
