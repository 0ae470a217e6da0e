import { invalidField } from './references.js';

/**
 * Checks an absolute URL property. Returns the URL unchanged (APIM stores what it was
 * given); throws a ValidationError naming `target` when it does not parse or uses a
 * scheme outside `schemes`.
 */
export function requireAbsoluteUrl(value: string, schemes: readonly string[], target: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidField(target, 'InvalidUrl', `'${value}' is not an absolute URL.`);
  }
  const scheme = url.protocol.slice(0, -1);
  if (!schemes.includes(scheme)) {
    throw invalidField(target, 'InvalidUrl', `URL scheme must be ${schemes.join(' or ')}, got '${scheme}'.`);
  }
  if (url.hostname === '') throw invalidField(target, 'InvalidUrl', `'${value}' has no host.`);
  return value;
}

/** `k8s://service.namespace[:port|:portName]`: a Kubernetes Service resolved through EndpointSlices. */
const K8S_URL = /^k8s:\/\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)(:([0-9]{1,5}|[a-z]([-a-z0-9]*[a-z0-9])?))?\/?$/;

export function isKubernetesServiceUrl(value: string): boolean {
  if (!K8S_URL.test(value)) return false;
  const port = /:(\d+)\/?$/.exec(value)?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}
