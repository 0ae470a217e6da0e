import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** Larger than any sensible certificate bundle; a bigger file is a mistake. */
const MAX_CERTIFICATE_FILE_BYTES = 128 * 1024;

export type CertificateResolution = { ok: true; properties: Record<string, unknown> } | { ok: false; field: string; message: string };

/**
 * A `certificates:` entry: the REST properties (`data`, `password`), or files instead of
 * `data`: `certificateFile` (PEM, or a binary .pfx/.p12 bundle) and `keyFile` (a PEM private
 * key), relative to the declarative file. Files become `data` (PEM text or base64 PFX).
 */
export function resolveCertificateEntry(entry: Record<string, unknown>, baseDir: string): CertificateResolution {
  const { certificateFile, keyFile, ...properties } = entry;
  if (certificateFile === undefined) {
    if (keyFile !== undefined) return { ok: false, field: 'keyFile', message: 'keyFile goes with certificateFile' };
    return { ok: true, properties };
  }
  if (properties.data !== undefined) return { ok: false, field: 'certificateFile', message: 'give either data or certificateFile, not both' };
  const certificate = readFile(certificateFile, baseDir);
  if (typeof certificate === 'string') return { ok: false, field: 'certificateFile', message: certificate };
  const isPem = certificate.subarray(0, 64).toString('latin1').includes('-----BEGIN');
  if (!isPem) {
    if (keyFile !== undefined) return { ok: false, field: 'keyFile', message: 'a PFX bundle carries its own key; keyFile goes with a PEM certificateFile' };
    return { ok: true, properties: { ...properties, data: certificate.toString('base64') } };
  }
  let pem = certificate.toString('utf8');
  if (keyFile !== undefined) {
    const key = readFile(keyFile, baseDir);
    if (typeof key === 'string') return { ok: false, field: 'keyFile', message: key };
    pem = `${pem.trimEnd()}\n${key.toString('utf8')}`;
  }
  return { ok: true, properties: { ...properties, data: pem } };
}

/** The file's bytes, or a message saying why not. */
function readFile(value: unknown, baseDir: string): Buffer | string {
  if (typeof value !== 'string' || value.trim() === '') return 'must be the path of a file';
  const file = isAbsolute(value) ? value : resolve(baseDir, value);
  try {
    const stats = statSync(file);
    if (!stats.isFile()) return `${value} is not a file`;
    if (stats.size > MAX_CERTIFICATE_FILE_BYTES) return `${value} is ${stats.size} bytes; the limit is ${MAX_CERTIFICATE_FILE_BYTES}`;
  } catch {
    return `file ${value} not found (looked at ${file})`;
  }
  return readFileSync(file);
}
