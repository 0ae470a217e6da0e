/**
 * A `curl` command that works when pasted into a POSIX shell. Generated keys are plain
 * base64url/hex and read best in double quotes; anything else is single-quoted so `$`,
 * backquotes or quotes in a hand-set key cannot be interpreted by the shell.
 */
export function curlLine(headerName: string, key: string, url: string, caFile?: string): string {
  const ca = caFile === undefined ? '' : `--cacert ${/^[A-Za-z0-9._~+/=:-]+$/.test(caFile) ? caFile : singleQuoted(caFile)} `;
  const header = `${headerName}: ${key}`;
  const quoted = /^[A-Za-z0-9 ._~+/=:-]+$/.test(header) ? `"${header}"` : singleQuoted(header);
  return `curl ${ca}-H ${quoted} ${url}`;
}

function singleQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
