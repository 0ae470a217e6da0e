/** Where the request is going: the backend's base URL + path + query, or the gateway URL before a backend is set. */
import type { BackendHandle, PolicyContext } from '../contract/context.js';

export interface TargetParts {
  readonly scheme: string;
  readonly host: string;
  readonly port: number;
  /** Without a trailing '/'. */
  readonly basePath: string;
}

const backendPartsCache = new WeakMap<BackendHandle, TargetParts>();

export function defaultPort(scheme: string): number {
  return scheme === 'https' ? 443 : 80;
}

export function backendParts(backend: BackendHandle): TargetParts {
  let parts = backendPartsCache.get(backend);
  if (parts === undefined) {
    const url = new URL(backend.url);
    const scheme = url.protocol.slice(0, -1);
    parts = {
      scheme,
      host: url.hostname,
      port: url.port === '' ? defaultPort(scheme) : Number(url.port),
      basePath: url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname,
    };
    backendPartsCache.set(backend, parts);
  }
  return parts;
}

export function frontendParts(ctx: PolicyContext): TargetParts {
  const { host, port } = splitHost(ctx.host, ctx.scheme, ctx.localPort);
  const apiPath = ctx.api?.source.path ?? '';
  return { scheme: ctx.scheme, host, port, basePath: apiPath === '' ? '' : `/${apiPath}` };
}

export function targetParts(ctx: PolicyContext): TargetParts {
  return ctx.backend === null ? frontendParts(ctx) : backendParts(ctx.backend);
}

/** `context.Request.Url.ToString()`. */
export function currentRequestUrl(ctx: PolicyContext): string {
  const parts = targetParts(ctx);
  const host = parts.host.includes(':') ? `[${parts.host}]` : parts.host;
  const port = parts.port === defaultPort(parts.scheme) ? '' : `:${parts.port}`;
  const path = parts.basePath + ctx.backendPath;
  return `${parts.scheme}://${host}${port}${path === '' ? '/' : path}${ctx.query === '' ? '' : `?${ctx.query}`}`;
}

/** `example.com:8443` / `[::1]:8080` / `example.com` → host and port. */
export function splitHost(hostHeader: string, scheme: string, localPort: number): { host: string; port: number } {
  if (hostHeader === '') return { host: '', port: localPort };
  const close = hostHeader.lastIndexOf(']');
  const colon = hostHeader.lastIndexOf(':');
  if (colon > close && colon !== -1) {
    const port = Number(hostHeader.slice(colon + 1));
    const host = hostHeader.slice(0, colon);
    return { host: host.startsWith('[') ? host.slice(1, -1) : host, port: Number.isInteger(port) ? port : defaultPort(scheme) };
  }
  return { host: hostHeader.startsWith('[') ? hostHeader.slice(1, -1) : hostHeader, port: defaultPort(scheme) };
}
