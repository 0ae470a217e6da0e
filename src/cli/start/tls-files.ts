/**
 * `--tls-cert`, `--tls-key`, `--tls-client-ca`, `--tls-client-crl`: the PEM files are read and checked before
 * anything starts, so a wrong path or a key that does not belong to the certificate is one
 * line naming the file, not an OpenSSL error from deep inside the listener.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PorticoError } from '../../model/errors.js';
import { parseClientCas, type GatewayTlsOptions } from '../../gateway/tls.js';
import { StartupError } from './startup-error.js';
import type { TlsFiles } from './settings.js';

/** PEM files are small; anything larger is not what the flag expects. */
const MAX_PEM_BYTES = 1024 * 1024;

export interface LoadedTls {
  readonly options: GatewayTlsOptions;
  /** The certificate signs itself (clients trust it with `--cacert <the certificate>`). */
  readonly selfSigned: boolean;
}

export async function loadTlsFiles(files: TlsFiles): Promise<LoadedTls> {
  const cert = await readPem('--tls-cert', files.certFile);
  const key = await readPem('--tls-key', files.keyFile);
  const clientCa = files.clientCaFile === undefined ? undefined : await readPem('--tls-client-ca', files.clientCaFile);
  const clientCrl = files.clientCrlFile === undefined ? undefined : await readPem('--tls-client-crl', files.clientCrlFile);
  if (clientCrl !== undefined && !clientCrl.includes('-----BEGIN X509 CRL-----')) {
    throw new StartupError(`--tls-client-crl ${files.clientCrlFile} is not a PEM certificate revocation list`);
  }

  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new StartupError(`--tls-cert ${files.certFile} is not a PEM certificate`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new StartupError(`--tls-key ${files.keyFile} is not an unencrypted PEM private key`);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new StartupError(`--tls-key ${files.keyFile} is not the private key of the certificate in ${files.certFile}`);
  }
  if (clientCa !== undefined) {
    try {
      parseClientCas(clientCa);
    } catch (error) {
      const reason = error instanceof PorticoError ? error.message : 'it is not a PEM certificate bundle';
      throw new StartupError(`--tls-client-ca ${files.clientCaFile}: ${reason}`);
    }
  }
  return {
    options: { cert, key, ...(clientCa === undefined ? {} : { clientCa }), ...(clientCrl === undefined ? {} : { clientCrl }) },
    // Not checkIssued: a self-signed server certificate usually lacks the keyCertSign usage it checks.
    selfSigned: certificate.subject === certificate.issuer && certificate.verify(certificate.publicKey),
  };
}

async function readPem(flag: string, file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
    throw new StartupError(`cannot read ${flag} ${file}: ${reason}`);
  }
  if (bytes.length > MAX_PEM_BYTES) throw new StartupError(`${flag} ${file} is larger than ${MAX_PEM_BYTES} bytes; expected a PEM file`);
  return bytes.toString('utf8');
}
