/**
 * A certificate revocation list signed by a test CA, made with the openssl command line
 * (node and node-forge cannot write CRLs): `openssl ca -revoke`, then `-gencrl`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Issued } from './certificates.js';

const run = promisify(execFile);

/** A PEM CRL from `ca` listing `revoked` (empty: a CRL that revokes nothing). */
export async function makeCrl(ca: Issued, revoked: readonly Issued[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-crl-'));
  try {
    await writeFile(join(dir, 'ca.pem'), ca.cert);
    await writeFile(join(dir, 'ca.key'), ca.key);
    await writeFile(join(dir, 'index.txt'), '');
    await writeFile(join(dir, 'crlnumber'), '01\n');
    await writeFile(
      join(dir, 'openssl.cnf'),
      `[ ca ]\ndefault_ca = test\n[ test ]\ndir = ${dir}\ndatabase = $dir/index.txt\ncrlnumber = $dir/crlnumber\ncertificate = $dir/ca.pem\nprivate_key = $dir/ca.key\ndefault_md = sha256\ndefault_crl_days = 30\n`,
    );
    const config = join(dir, 'openssl.cnf');
    for (const [index, certificate] of revoked.entries()) {
      const file = join(dir, `revoked-${index}.pem`);
      await writeFile(file, certificate.cert);
      await run('openssl', ['ca', '-config', config, '-revoke', file]);
    }
    await run('openssl', ['ca', '-config', config, '-gencrl', '-out', join(dir, 'crl.pem')]);
    return await readFile(join(dir, 'crl.pem'), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
