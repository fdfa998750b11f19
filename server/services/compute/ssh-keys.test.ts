import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateRsaKeyPair,
  generateX509KeyPair,
  InvalidKey,
  parsePublicKey,
  rsaPublicLine,
  sshFingerprint,
  x509Fingerprint,
} from './ssh-keys';

// made with ssh-keygen; the fingerprints are what `ssh-keygen -l -E md5` prints for them
const KEYS: [string, string, string][] = [
  [
    'ssh-dss',
    'ssh-dss AAAAB3NzaC1kc3MAAACBAJOYtH2dlb15akrb39NZAsOn3mdq6wD30Yke3leodo37PuCXae3Dn/BoHx8syg9K65mdfZa4csdt3FY5bujnwIwwx6nI39djDsXeRZKLOCR/cuRD8HDs8xXOnrWMyyjhDHG6DjLssf6qlA/lptIPF7HsV9TA1Lac6DL5nsr7ud6lAAAAFQCsuZRWquQ8610laiofbpOPQCdCqwAAAIBaQloW53OHrtShFniVbtLuxijqHmcovGQdEE6c7UYwmIyu52TxoZWt+zyye/01NZ/h2SymoUwieqeoLpc3EuXsL3mvD6gY0Us4uKrp8UehNhK5WxaUP96QnyI7awpKy4aCdv3EoRTDD3SH7YjLzgbCNgksHY/8e6NyTHeTxFLloQAAAIBl0HbyJl1wnh5y4ONbzfs5VMjDbg2wPfGKIeT9RKiJmVW5O6E3/fRAqOg3oXV+N7kA1167tAcwbCJjPV4ERGZR/MXF4jgLg33W95m+oQ96ow7AeVLv46z7fV2C0va4L7s9Ro4Sa65gfuBXcGv1GkEiLnswYNwoPxZ+ZdgO6W2cjQ== me@test',
    'b7:3b:7f:dd:dd:e5:46:6a:ce:d5:60:20:dd:a0:88:a8',
  ],
  [
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKXmqiBsxMuArf5OwYVF8lLQc9u7jFwDoFgsSP9QtIgJKeJ0jRW4rLBRwrIyW2WlovXPslXz5/8qC/NscdozDY0= me@test',
    'df:0f:a3:d7:b2:b3:45:4a:64:d9:55:f4:94:e0:e2:41',
  ],
  [
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBFwYj/vU5SIDjAOY/vMIYFxq52kznWI6LUsnKWW/imIJW+jhMh9ytwXREv9bKNFzwlhhXHGxMXm03QuKxiYV+Hl+jpAH9Xjq1VXx6Vfd9KHbAqyLg6tMoX2RnZm8xwpwHw== me@test',
    '68:4a:b6:3c:33:da:dd:78:60:88:08:ff:f8:1c:cd:b7',
  ],
  [
    'ecdsa-sha2-nistp521',
    'ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAAUWkiNkDh8BhuNX3CMLuyeTmRa7GE2zVoTCnXhXPxYileRjcIZE2JOnFsm2fzcOFjO6/kDRCAp6WFGaLDIV9Li4wDPQ6yYXkoOlmql13bcYmnbIZvs1uQ/O4piJLxy9/gSlc/V61DzK7u737dgg+E/9J4OwfGoGyeO1df8F9II8vpOKg== me@test',
    '4a:fd:df:4d:1e:46:c3:26:57:e9:7d:25:e2:fb:19:c1',
  ],
  [
    'ssh-ed25519',
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGGV2GiGayUf+aPEPmnPqNaQh6eOV7jxRW32TG/gN/ut me@test',
    '5f:f2:2e:36:1f:21:ee:97:42:7b:0e:3a:69:45:c0:18',
  ],
  [
    'ssh-rsa',
    'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCtDXP4ljs3BtCLfRLnnE/BuXVd68k3fvAVdyKgY8nPD3xKMAq2MByAcnCNMVHxCmBOzLZA0vJViFZppKCKnX1Syp6YIMPNwS5vly5GMATPPsNK57xajoH9sCNalxKTvTWeCtyfu2ThbLX7Dl5xWwCwEq+ZCRtIliPbJFZZYnLyGH2bi4HC3GqszG4jw1zKVkMXvPpnjTm97++va99o2xDJdzENF3dM45hYtx+bOwQey1oHP7V3fmFQtiOr0O2PrVLhkGCaaEY30dBfUiDQPjDOi9Oz/bz+R/FnNeswIR7p896zbDyXU+GlW9cVLtOaWzEMbBHvATnKPYa/Lfnav6+f me@test',
    'ec:ad:b5:3d:ac:26:89:25:0e:84:cc:30:60:1d:1a:c8',
  ],
];

// made with openssl; the fingerprint is what `openssl x509 -fingerprint -sha1` prints, in lower case
const CERT =
  '-----BEGIN CERTIFICATE-----\nMIIBgTCCASegAwIBAgIUDNDIuy1F4paIt6kdVbKBnQhC8yYwCgYIKoZIzj0EAwIw\nFjEUMBIGA1UEAwwLY3VtdWxvLXRlc3QwHhcNMjYxMjAyMTgxNjU2WhcNMzYxMTI5\nMTgxNjU2WjAWMRQwEgYDVQQDDAtjdW11bG8tdGVzdDBZMBMGByqGSM49AgEGCCqG\nSM49AwEHA0IABF5WJmpEjejeJyQK9+AWPMInS8YnoeeQi8h1+bk9d41+061pPpVT\n8BT2cOnB4At0Sf2GNvh0CRB2SxD2SFluByKjUzBRMB0GA1UdDgQWBBSWOoOl55Ak\nHIBhGrgsGtNDopsOSDAfBgNVHSMEGDAWgBSWOoOl55AkHIBhGrgsGtNDopsOSDAP\nBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDCKvFgHNQwtJcYA547\nKsZV4Vxa9wCj62gulztTUeKr6wIgCSismzdUv9wSQxbKY4C3NdjyhlQSC6ALBQw8\n+aE59ZA=\n-----END CERTIFICATE-----\n';
const CERT_SHA1 = 'ec:22:a3:95:41:c7:7f:a7:a1:f9:12:1b:b9:b9:f2:95:b8:52:a7:2d';

describe('OpenSSH public keys', () => {
  it.each(KEYS)('parses a %s key and fingerprints it as ssh-keygen does', (type, line, fingerprint) => {
    const key = parsePublicKey(line);
    expect(key.type).toBe(type);
    expect(key.comment).toBe('me@test');
    expect(sshFingerprint(key)).toBe(fingerprint);
  });

  it('accepts a key without a comment and with surrounding whitespace and a trailing newline', () => {
    const [, line] = KEYS.find(([t]) => t === 'ssh-ed25519')!;
    const bare = line.split(' ').slice(0, 2).join(' ');
    expect(parsePublicKey(`  ${bare}\n`).comment).toBe('');
  });

  it.each([
    ['empty', ''],
    ['no key data', 'ssh-rsa'],
    ['an unknown type', 'ssh-foo AAAAB3NzaC1yc2EAAAADAQABAAABAQCt me'],
    ['data that is not base64', 'ssh-ed25519 not*base64 me'],
    ['a truncated blob', KEYS[5]![1].slice(0, 80)],
    ['a blob of another type', `ssh-rsa ${KEYS[4]![1].split(' ')[1]}`],
    ['two keys', `${KEYS[4]![1]}\n${KEYS[4]![1]}`],
    ['a private key', '-----BEGIN OPENSSH PRIVATE KEY-----'],
  ])('refuses %s', (_what, text) => {
    expect(() => parsePublicKey(text)).toThrow(InvalidKey);
  });

  it("generates an RSA 2048 key pair whose public line is the private key's public half", () => {
    const pair = generateRsaKeyPair();
    expect(pair.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const key = parsePublicKey(pair.publicKey);
    expect(key.type).toBe('ssh-rsa');
    expect(key.comment).toBe('Generated-by-Nova');
    const jwk = createPublicKey(pair.privateKey).export({ format: 'jwk' }) as { n: string; e: string };
    expect(Buffer.from(jwk.n, 'base64url').length).toBe(256);
    expect(rsaPublicLine(jwk, 'Generated-by-Nova')).toBe(pair.publicKey);
  });

  it('writes the same OpenSSH line ssh-keygen wrote for an RSA key', () => {
    const [, line] = KEYS.find(([t]) => t === 'ssh-rsa')!;
    // the blob is three length-prefixed strings: "ssh-rsa", e and n (mpints, a leading zero when the top bit is set)
    const blob = parsePublicKey(line).blob;
    const parts: Buffer[] = [];
    for (let at = 0; at < blob.length;) {
      const len = blob.readUInt32BE(at);
      parts.push(blob.subarray(at + 4, at + 4 + len));
      at += 4 + len;
    }
    const unsigned = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b).toString('base64url');
    expect(rsaPublicLine({ e: unsigned(parts[1]!), n: unsigned(parts[2]!) }, 'me@test')).toBe(line);
  });
});

describe('x509 key pairs', () => {
  it('fingerprints a certificate as SHA-1 of its DER', () => {
    expect(x509Fingerprint(CERT)).toBe(CERT_SHA1);
  });

  it('refuses what is not a certificate', () => {
    expect(() => x509Fingerprint('not a certificate')).toThrow(InvalidKey);
  });
});

describe('generated x509 key pairs', () => {
  it('makes a self-signed certificate for the subject that its own key verifies', () => {
    const { privateKey, certificate } = generateX509KeyPair('user-1', new Date('2026-01-02T03:04:05Z'));
    const cert = new X509Certificate(certificate);
    expect(cert.subject).toBe('CN=user-1');
    expect(cert.issuer).toBe('CN=user-1');
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-01-02T03:04:05.000Z');
    // ten years later crosses 2050's switch to GeneralizedTime only for later dates; both parse
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2035);
    expect(cert.verify(createPublicKey(privateKey))).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(privateKey))).toBe(true);
    expect(x509Fingerprint(certificate)).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    expect(new X509Certificate(generateX509KeyPair('u', new Date('2049-06-01T00:00:00Z')).certificate).validTo).toMatch(
      /2059/,
    );
  });
});
