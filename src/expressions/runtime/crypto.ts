/**
 * System.Security.Cryptography as APIM allows it: HMAC (SHA1/256/384/512, MD5), hashes
 * (SHA1/256/384/512, MD5), RandomNumberGenerator, and APIM's `byte[].Encrypt/Decrypt`
 * extension methods (AES-CBC with PKCS7 padding, the .NET defaults).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { defineType } from '../types/registry.js';
import { ClrException, argumentNull, argumentOutOfRange } from './exceptions.js';
import { CLR_TYPE } from './object.js';

class HashAlgorithm {
  readonly [CLR_TYPE]: string;
  constructor(
    readonly algorithm: string,
    readonly clrName: string,
    /** HMAC key; undefined for plain hashes. */
    public key?: Uint8Array,
  ) {
    this[CLR_TYPE] = clrName;
  }
  compute(data: Uint8Array): Uint8Array {
    const h = this.key ? createHmac(this.algorithm, this.key) : createHash(this.algorithm);
    return new Uint8Array(h.update(data).digest());
  }
  toString(): string {
    return this.clrName;
  }
}

function cryptoError(message: string): ClrException {
  return new ClrException('System.Security.Cryptography.CryptographicException', message);
}

function checkedBuffer(a: Uint8Array | null, name: string): Uint8Array {
  if (a === null) throw argumentNull(name);
  return a;
}

defineType({
  name: 'HashAlgorithm',
  namespace: 'System.Security.Cryptography',
  isInstance: (v) => v instanceof HashAlgorithm,
  members: (b) => {
    b.method('ComputeHash', 'byte[](byte[] buffer)', (h: HashAlgorithm, d: Uint8Array | null) => h.compute(checkedBuffer(d, 'buffer')));
    b.method('ComputeHash', 'byte[](byte[] buffer, int offset, int count)', (h: HashAlgorithm, d: Uint8Array | null, off: number, n: number) => {
      const buf = checkedBuffer(d, 'buffer');
      if (off < 0 || n < 0 || off + n > buf.length) throw argumentOutOfRange('offset');
      return h.compute(buf.subarray(off, off + n));
    });
    b.prop('HashSize', 'int', (h: HashAlgorithm) => createHash(h.algorithm).digest().length * 8);
    b.method('Dispose', 'void()', () => undefined);
  },
});

defineType({
  name: 'HMAC',
  namespace: 'System.Security.Cryptography',
  bases: ['HashAlgorithm'],
  isInstance: (v) => v instanceof HashAlgorithm && v.key !== undefined,
  members: (b) => {
    b.prop('Key', 'byte[]', (h: HashAlgorithm) => Uint8Array.from(h.key ?? []), (h: HashAlgorithm, k: Uint8Array | null) => {
      h.key = Uint8Array.from(checkedBuffer(k, 'value'));
    });
  },
});

const HMACS: readonly [string, string][] = [
  ['HMACSHA1', 'sha1'],
  ['HMACSHA256', 'sha256'],
  ['HMACSHA384', 'sha384'],
  ['HMACSHA512', 'sha512'],
  ['HMACMD5', 'md5'],
];
for (const [name, alg] of HMACS) {
  const full = `System.Security.Cryptography.${name}`;
  defineType({
    name,
    namespace: 'System.Security.Cryptography',
    bases: ['HMAC'],
    isInstance: (v) => v instanceof HashAlgorithm && v.clrName === full,
    members: (b) => {
      b.ctor('()', () => new HashAlgorithm(alg, full, randomBytes(64)));
      b.ctor('(byte[] key)', (k: Uint8Array | null) => new HashAlgorithm(alg, full, Uint8Array.from(checkedBuffer(k, 'key'))));
      b.staticMethod('HashData', 'byte[](byte[] key, byte[] source)', (k: Uint8Array | null, d: Uint8Array | null) =>
        new HashAlgorithm(alg, full, checkedBuffer(k, 'key')).compute(checkedBuffer(d, 'source')),
      );
    },
  });
}

const HASHES: readonly [string, string, string[]][] = [
  ['SHA1', 'sha1', ['SHA1Managed', 'SHA1CryptoServiceProvider']],
  ['SHA256', 'sha256', ['SHA256Managed', 'SHA256CryptoServiceProvider']],
  ['SHA384', 'sha384', ['SHA384Managed']],
  ['SHA512', 'sha512', ['SHA512Managed']],
  ['MD5', 'md5', ['MD5CryptoServiceProvider']],
];
for (const [name, alg, legacy] of HASHES) {
  const full = `System.Security.Cryptography.${name}`;
  defineType({
    name,
    namespace: 'System.Security.Cryptography',
    bases: ['HashAlgorithm'],
    isInstance: (v) => v instanceof HashAlgorithm && v.key === undefined && v.algorithm === alg,
    members: (b) => {
      b.staticMethod('Create', `${name}()`, () => new HashAlgorithm(alg, full));
      b.staticMethod('HashData', 'byte[](byte[] source)', (d: Uint8Array | null) => new HashAlgorithm(alg, full).compute(checkedBuffer(d, 'source')));
    },
  });
  for (const legacyName of legacy) {
    defineType({
      name: legacyName,
      namespace: 'System.Security.Cryptography',
      bases: [name],
      isInstance: (v) => v instanceof HashAlgorithm && v.algorithm === alg,
      members: (b) => b.ctor('()', () => new HashAlgorithm(alg, full)),
    });
  }
}

class Rng {
  readonly [CLR_TYPE] = 'System.Security.Cryptography.RandomNumberGenerator';
}

defineType({
  name: 'RandomNumberGenerator',
  namespace: 'System.Security.Cryptography',
  isInstance: (v) => v instanceof Rng,
  members: (b) => {
    b.staticMethod('Create', 'RandomNumberGenerator()', () => new Rng());
    b.staticMethod('GetBytes', 'byte[](int count)', (n: number) => {
      if (n < 0 || n > 1024 * 1024) throw argumentOutOfRange('count');
      return new Uint8Array(randomBytes(n));
    });
    b.staticMethod('GetInt32', 'int(int fromInclusive, int toExclusive)', (lo: number, hi: number) => {
      if (lo >= hi) throw argumentOutOfRange('fromInclusive');
      return randomInt(lo, hi);
    });
    b.method('GetBytes', 'void(byte[] data)', (_r: Rng, d: Uint8Array | null) => checkedBuffer(d, 'data').set(randomBytes(d!.length)));
    b.method('Dispose', 'void()', () => undefined);
  },
});

function aesCipher(alg: string | null, key: Uint8Array | null, iv: Uint8Array | null): string {
  if (alg === null) throw argumentNull('alg');
  const name = alg.toLowerCase();
  if (name !== 'aes' && name !== 'rijndael' && name !== 'aesmanaged' && name !== 'aescryptoserviceprovider') {
    throw cryptoError(`Symmetric algorithm '${alg}' is not supported; use "Aes".`);
  }
  const k = checkedBuffer(key, 'key');
  if (checkedBuffer(iv, 'iv').length !== 16) throw cryptoError('Specified initialization vector (IV) does not match the block size for this algorithm.');
  if (![16, 24, 32].includes(k.length)) throw cryptoError('Specified key is not a valid size for this algorithm.');
  return `aes-${k.length * 8}-cbc`;
}

function encrypt(input: Uint8Array | null, alg: string | null, key: Uint8Array | null, iv: Uint8Array | null): Uint8Array {
  const cipher = createCipheriv(aesCipher(alg, key, iv), key!, iv);
  return new Uint8Array(Buffer.concat([cipher.update(checkedBuffer(input, 'input')), cipher.final()]));
}

function decrypt(input: Uint8Array | null, alg: string | null, key: Uint8Array | null, iv: Uint8Array | null): Uint8Array {
  const decipher = createDecipheriv(aesCipher(alg, key, iv), key!, iv);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(checkedBuffer(input, 'input')), decipher.final()]));
  } catch {
    throw cryptoError('Padding is invalid and cannot be removed.');
  }
}

defineType({
  name: 'ByteArrayExtensions',
  namespace: 'Microsoft.Azure.ApiManagement.Proxy',
  static: true,
  members: (b) => {
    b.extension('Encrypt', 'byte[](this byte[] input, string alg, byte[] key, byte[] iv)', encrypt);
    b.extension('Decrypt', 'byte[](this byte[] input, string alg, byte[] key, byte[] iv)', decrypt);
  },
});

class ClrRandom {
  readonly [CLR_TYPE] = 'System.Random';
}

defineType({
  name: 'Random',
  namespace: 'System',
  isInstance: (v) => v instanceof ClrRandom,
  members: (b) => {
    b.ctor('()', () => new ClrRandom());
    b.ctor('(int Seed)', () => new ClrRandom());
    b.method('Next', 'int()', () => randomInt(0, 2147483647));
    b.method('Next', 'int(int maxValue)', (_r: ClrRandom, max: number) => {
      if (max < 0) throw argumentOutOfRange('maxValue', "'maxValue' must be greater than or equal to zero.");
      return max === 0 ? 0 : randomInt(0, max);
    });
    b.method('Next', 'int(int minValue, int maxValue)', (_r: ClrRandom, min: number, max: number) => {
      if (min > max) throw argumentOutOfRange('minValue', "'minValue' cannot be greater than maxValue.");
      return min === max ? min : randomInt(min, max);
    });
    b.method('NextDouble', 'double()', () => Math.random());
    b.method('NextBytes', 'void(byte[] buffer)', (_r: ClrRandom, d: Uint8Array | null) => checkedBuffer(d, 'buffer').set(randomBytes(d!.length)));
  },
});
