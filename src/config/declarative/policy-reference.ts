import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** APIM's own ceiling for one policy document (256 KiB); a larger file is a mistake, not a policy. */
export const MAX_POLICY_BYTES = 256 * 1024;

export type PolicyResolution = { ok: true; xml: string } | { ok: false; message: string };

/**
 * A `policy:` value is either inline XML or a path relative to the declarative file.
 * XML always starts with `<` (after whitespace), and no sensible file name does, so
 * that is the whole rule — no guessing from extensions.
 */
export function resolvePolicyReference(value: string, baseDir: string): PolicyResolution {
  if (value.trimStart().startsWith('<')) return { ok: true, xml: value };
  if (value.trim() === '') return { ok: false, message: 'must be inline XML or the path of a policy file, not empty' };
  const file = isAbsolute(value) ? value : resolve(baseDir, value);
  let size: number;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) return { ok: false, message: `policy path ${value} is not a file` };
    size = stats.size;
  } catch {
    return { ok: false, message: `policy file ${value} not found (looked at ${file})` };
  }
  if (size > MAX_POLICY_BYTES) {
    return { ok: false, message: `policy file ${value} is ${size} bytes; the limit is ${MAX_POLICY_BYTES}` };
  }
  return { ok: true, xml: readFileSync(file, 'utf8') };
}
