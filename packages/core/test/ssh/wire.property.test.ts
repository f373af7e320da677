import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMpint, encodeMpint, SshReader, SshWriter, WireFormatError } from '../../src/ssh/wire.js';
import { fingerprintMd5, fingerprintSha256, parsePublicKey } from '../../src/index.js';

type Field =
  | { kind: 'uint32'; value: number }
  | { kind: 'string'; value: Uint8Array }
  | { kind: 'mpint'; value: bigint }
  | { kind: 'byte'; value: number };

const field: fc.Arbitrary<Field> = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }).map((value) => ({ kind: 'uint32' as const, value })),
  fc.uint8Array({ maxLength: 300 }).map((value) => ({ kind: 'string' as const, value })),
  fc.bigInt({ min: -(1n << 4200n), max: 1n << 4200n }).map((value) => ({ kind: 'mpint' as const, value })),
  fc.integer({ min: 0, max: 255 }).map((value) => ({ kind: 'byte' as const, value })),
);

describe('SSH wire encoding (property-based)', () => {
  it('any sequence of uint32/string/mpint/byte fields reads back identically and completely', () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 20 }), (fields) => {
        const w = new SshWriter();
        for (const f of fields) {
          if (f.kind === 'uint32') w.uint32(f.value);
          else if (f.kind === 'string') w.string(f.value);
          else if (f.kind === 'mpint') w.mpint(f.value);
          else w.byte(f.value);
        }
        const r = new SshReader(w.toBuffer());
        for (const f of fields) {
          if (f.kind === 'uint32') expect(r.uint32()).toBe(f.value);
          else if (f.kind === 'string') expect(new Uint8Array(r.string())).toEqual(f.value);
          else if (f.kind === 'mpint') expect(r.mpint()).toBe(f.value);
          else expect(r.byte()).toBe(f.value);
        }
        r.expectEnd();
      }),
      { numRuns: 300 },
    );
  });

  it('mpint encoding is minimal two’s complement (RFC 4251 examples and sign bit)', () => {
    expect(encodeMpint(0n).toString('hex')).toBe('');
    expect(encodeMpint(0x9a378f9b2e332a7n).toString('hex')).toBe('09a378f9b2e332a7');
    expect(encodeMpint(0x80n).toString('hex')).toBe('0080');
    expect(encodeMpint(-0x1234n).toString('hex')).toBe('edcc');
    expect(encodeMpint(-0xdeadbeefn).toString('hex')).toBe('ff21524111');
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 1000n), max: 1n << 1000n }), (v) => {
        const bytes = encodeMpint(v);
        expect(decodeMpint(bytes)).toBe(v);
        // Minimal: dropping the first byte must change the value (or the encoding is empty).
        if (bytes.length > 1) expect(decodeMpintLoose(bytes.subarray(1))).not.toBe(v);
      }),
    );
  });

  it('refuses redundant leading bytes and reads past the end as truncation', () => {
    expect(() => decodeMpint(Buffer.from('0001', 'hex'))).toThrow(WireFormatError);
    expect(() => decodeMpint(Buffer.from('ff80', 'hex'))).toThrow(WireFormatError);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (bytes, cut) => {
        const full = new SshWriter().string(bytes).toBuffer();
        const r = new SshReader(full.subarray(0, cut % full.length));
        expect(() => r.string()).toThrow(WireFormatError);
      }),
    );
  });

  it('random bytes as a public key never crash: they parse or fail with a ValidationError', () => {
    fc.assert(
      fc.property(fc.constantFrom('ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa'), fc.uint8Array({ maxLength: 200 }), (type, tail) => {
        const blob = new SshWriter().string(type).raw(tail).toBuffer();
        try {
          const key = parsePublicKey(`${type} ${blob.toString('base64')}`);
          expect(key.fingerprintSha256).toBe(fingerprintSha256(blob));
          expect(key.fingerprintMd5).toBe(fingerprintMd5(blob));
        } catch (err) {
          expect(err).toMatchObject({ name: 'ValidationError', field: 'publicKey' });
        }
      }),
      { numRuns: 300 },
    );
  });
});

function decodeMpintLoose(bytes: Uint8Array): bigint | undefined {
  try {
    return decodeMpint(bytes);
  } catch {
    return undefined;
  }
}
