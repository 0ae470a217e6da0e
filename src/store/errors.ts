import { PorticoError } from '../model/errors.js';

/**
 * Failures of the store and of the key material. They are server-side faults
 * (misconfiguration, misuse of the store API, damaged data), hence status 500;
 * the stable `code` is what operators and tests match on.
 */
export type StoreErrorCode =
  /** An operation was attempted after `close()`. */
  | 'StoreClosed'
  /** `store.transaction()` was called from inside a running transaction (it would deadlock). */
  | 'NestedTransaction'
  /** A `tx` was used after its transaction committed or rolled back. */
  | 'TransactionEnded'
  /** An argument no caller should ever pass (e.g. deleting the descendants of the root). */
  | 'InvalidStoreArgument'
  /** The database was written by a newer Portico with a schema this version does not know. */
  | 'StoreSchemaTooNew'
  /** The configured database cannot be used (unsupported URL, adapter not built yet, no WAL). */
  | 'StoreUnavailable';

export class StoreError extends PorticoError {
  constructor(code: StoreErrorCode, message: string) {
    super(code, 500, message);
  }
}

export type KeyMaterialErrorCode =
  /** PORTICO_MASTER_KEY is not the base64 of exactly 32 bytes. */
  | 'InvalidMasterKey'
  /** keyring.json exists but cannot be read or does not hold a valid key. */
  | 'InvalidKeyringFile';

export class KeyMaterialError extends PorticoError {
  constructor(code: KeyMaterialErrorCode, message: string) {
    super(code, 500, message);
  }
}

/**
 * A secret could not be decrypted: malformed, tampered with, bound to another
 * resource (AAD mismatch) or sealed under another master key. Deliberately one code
 * for all causes, so the error says nothing an attacker could use as an oracle.
 */
export class SecretDecryptionError extends PorticoError {
  constructor() {
    super(
      'SecretDecryptionFailed',
      500,
      'A stored secret could not be decrypted: it is damaged, belongs to another resource, or was sealed with a different master key.',
    );
  }
}
