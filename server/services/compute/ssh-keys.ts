import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';

/**
 * OpenSSH public keys as users paste them (`ssh-ed25519 AAAAC3… me@laptop`): parsing, validation and the fingerprint
 * Nova shows (MD5 of the decoded key blob as colon-separated hex), plus RSA key pairs (and, for x509 key pairs,
 * self-signed certificates) generated for users who bring none. Pure: no I/O.
 */

export const SSH_KEY_TYPES = [
  'ssh-rsa',
  'ssh-dss',
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
] as const;
export type TSshKeyType = (typeof SSH_KEY_TYPES)[number];

export type TSshPublicKey = { type: TSshKeyType; blob: Buffer; comment: string };

/** Thrown for a key that does not parse; the message says why, for the caller's 400. */
export class InvalidKey extends Error {
  override readonly name = 'InvalidKey';
}

/** Reads the SSH wire format: uint32 length-prefixed strings, one after another. */
class WireReader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}

  string(): Buffer {
    if (this.at + 4 > this.buf.length) throw new InvalidKey('the key data ends early');
    const len = this.buf.readUInt32BE(this.at);
    const start = this.at + 4;
    if (start + len > this.buf.length) throw new InvalidKey('the key data ends early');
    this.at = start + len;
    return this.buf.subarray(start, this.at);
  }

  /** A positive multiple-precision integer. */
  mpint(): Buffer {
    const n = this.string();
    if (!n.length || n[0]! & 0x80) throw new InvalidKey('the key holds an invalid number');
    return n;
  }

  end() {
    if (this.at !== this.buf.length) throw new InvalidKey('the key data has trailing bytes');
  }
}

const CURVES: Record<string, { name: string; pointBytes: number }> = {
  'ecdsa-sha2-nistp256': { name: 'nistp256', pointBytes: 65 },
  'ecdsa-sha2-nistp384': { name: 'nistp384', pointBytes: 97 },
  'ecdsa-sha2-nistp521': { name: 'nistp521', pointBytes: 133 },
};

/** Checks that the blob really is a key of its declared type (right fields, sizes and curve). */
function checkBlob(type: TSshKeyType, blob: Buffer) {
  const r = new WireReader(blob);
  if (r.string().toString('latin1') !== type) throw new InvalidKey('the key data names another key type');
  if (type === 'ssh-rsa') {
    r.mpint();
    const n = r.mpint();
    if (n.length * 8 < 1024) throw new InvalidKey('RSA keys must be at least 1024 bits');
  } else if (type === 'ssh-dss') {
    for (let i = 0; i < 4; i++) r.mpint();
  } else if (type === 'ssh-ed25519') {
    if (r.string().length !== 32) throw new InvalidKey('an Ed25519 key is 32 bytes');
  } else {
    const curve = CURVES[type]!;
    if (r.string().toString('latin1') !== curve.name) throw new InvalidKey('the key names another curve');
    const point = r.string();
    if (point.length !== curve.pointBytes || point[0] !== 0x04)
      throw new InvalidKey('the key is not a point on its curve');
  }
  r.end();
}

/** Parses one OpenSSH public key line: `<type> <base64> [comment]`. */
export function parsePublicKey(text: string): TSshPublicKey {
  const line = text.trim();
  if (line.includes('\n')) throw new InvalidKey('expected a single public key line');
  const [type, data, ...comment] = line.split(/[ \t]+/);
  if (!type || !data) throw new InvalidKey('expected "<type> <base64 key> [comment]"');
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) throw new InvalidKey(`unsupported key type ${type}`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) throw new InvalidKey('the key data is not base64');
  const blob = Buffer.from(data, 'base64');
  checkBlob(type as TSshKeyType, blob);
  return { type: type as TSshKeyType, blob, comment: comment.join(' ') };
}

const colonHex = (digest: Buffer) => digest.toString('hex').replace(/(..)(?!$)/g, '$1:');

/** Nova's fingerprint of an SSH key: MD5 of the key blob, `aa:bb:…`. */
export const sshFingerprint = (key: TSshPublicKey) => colonHex(createHash('md5').update(key.blob).digest());

/** Nova's fingerprint of an x509 key pair: SHA-1 of the certificate's DER, `aa:bb:…`; throws InvalidKey. */
export function x509Fingerprint(pem: string): string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (e) {
    throw new InvalidKey(`not a PEM certificate (${(e as Error).message})`);
  }
  return colonHex(createHash('sha1').update(cert.raw).digest());
}

function wireString(b: Buffer) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** A JWK's unsigned big-endian number as an SSH mpint (a leading zero when the top bit is set). */
function mpint(base64url: string) {
  let n = Buffer.from(base64url, 'base64url');
  while (n.length > 1 && n[0] === 0 && !(n[1]! & 0x80)) n = n.subarray(1);
  return wireString(n[0]! & 0x80 ? Buffer.concat([Buffer.of(0), n]) : n);
}

/** The OpenSSH line of an RSA public key given as a JWK's n and e. */
export function rsaPublicLine(jwk: { n: string; e: string }, comment: string): string {
  const blob = Buffer.concat([wireString(Buffer.from('ssh-rsa')), mpint(jwk.e), mpint(jwk.n)]);
  return `ssh-rsa ${blob.toString('base64')} ${comment}`.trimEnd();
}

/** A new RSA 2048 key pair: the private key as PEM (PKCS#1, as Nova hands it out) and the OpenSSH public line. */
export function generateRsaKeyPair(comment = 'Generated-by-Nova'): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return {
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKey: rsaPublicLine(jwk, comment),
  };
}

// ── x509 ── a minimal DER writer for the one certificate shape Nova generates: self-signed, CN=<user>, 10 years

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len =
    n < 0x80
      ? Buffer.of(n)
      : (() => {
          const bytes = Buffer.from(n.toString(16).padStart(n > 0xffff ? 6 : n > 0xff ? 4 : 2, '0'), 'hex');
          return Buffer.concat([Buffer.of(0x80 | bytes.length), bytes]);
        })();
  return Buffer.concat([Buffer.of(tag), len, content]);
}
const seq = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const SHA256_WITH_RSA = Buffer.from('06092a864886f70d01010b0500', 'hex'); // OID 1.2.840.113549.1.1.11, NULL
const COMMON_NAME = Buffer.from('0603550403', 'hex'); // OID 2.5.4.3
const name = (cn: string) => seq(der(0x31, seq(COMMON_NAME, der(0x0c, Buffer.from(cn, 'utf8')))));
// RFC 5280: UTCTime through 2049, GeneralizedTime from 2050
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
}
const pem = (label: string, body: Buffer) =>
  `-----BEGIN ${label}-----\n${body.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

/** An x509 key pair as Nova generates one: RSA 2048 and a self-signed certificate for CN=<subject>, valid 10 years. */
export function generateX509KeyPair(subject: string, now = new Date()): { privateKey: string; certificate: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // a positive INTEGER
  const notAfter = new Date(now.getTime() + 3650 * 86_400_000);
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.of(2))), // v3
    der(0x02, serial),
    seq(SHA256_WITH_RSA),
    name(subject),
    seq(time(now), time(notAfter)),
    name(subject),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = seq(tbs, seq(SHA256_WITH_RSA), der(0x03, Buffer.concat([Buffer.of(0), signature])));
  return {
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    certificate: pem('CERTIFICATE', cert),
  };
}
