/**
 * SSH wire encoding (RFC 4251 §5): uint32, string (uint32 length + bytes) and mpint (two's
 * complement, big-endian, minimal). Written here rather than borrowed so key blobs are encoded
 * exactly as OpenSSH does and fingerprints match GitLab's byte for byte.
 */

/** Thrown by SshReader on malformed input; callers turn it into a ValidationError for their field. */
export class WireFormatError extends Error {}

export class SshWriter {
  private readonly parts: Buffer[] = [];

  uint32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value >>> 0);
    this.parts.push(b);
    return this;
  }

  byte(value: number): this {
    this.parts.push(Buffer.of(value & 0xff));
    return this;
  }

  /** Raw bytes with no length prefix (magic strings, padding). */
  raw(bytes: Uint8Array): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  string(value: Uint8Array | string): this {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    return this.uint32(bytes.length).raw(bytes);
  }

  mpint(value: bigint): this {
    return this.string(encodeMpint(value));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Minimal two's-complement big-endian bytes of `value`; zero is the empty string (RFC 4251). */
export function encodeMpint(value: bigint): Buffer {
  if (value === 0n) return Buffer.alloc(0);
  const negative = value < 0n;
  // Width in bytes so the sign bit is right: magnitude bits + 1 sign bit, rounded up.
  let magnitude = negative ? -value - 1n : value;
  let bits = 0;
  while (magnitude > 0n) {
    magnitude >>= 1n;
    bits++;
  }
  const width = Math.floor(bits / 8) + 1;
  const modulus = 1n << BigInt(width * 8);
  let unsigned = negative ? modulus + value : value;
  const out = Buffer.alloc(width);
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(unsigned & 0xffn);
    unsigned >>= 8n;
  }
  return out;
}

export function decodeMpint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const first = bytes[0] as number;
  const second = bytes[1];
  // RFC 4251 forbids redundant leading 0x00/0xff bytes; refusing them keeps blobs canonical.
  if (second !== undefined && ((first === 0 && second < 0x80) || (first === 0xff && second >= 0x80))) {
    throw new WireFormatError('mpint has a redundant leading byte');
  }
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return first >= 0x80 ? value - (1n << BigInt(bytes.length * 8)) : value;
}

export function bigintToBase64Url(value: bigint, length?: number): string {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (length !== undefined && bytes.length < length) {
    bytes = Buffer.concat([Buffer.alloc(length - bytes.length), bytes]);
  }
  return bytes.toString('base64url');
}

export function base64UrlToBigint(value: string): bigint {
  const hex = Buffer.from(value, 'base64url').toString('hex');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

export class SshReader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private take(n: number): Buffer {
    if (n > this.remaining) throw new WireFormatError('truncated data');
    const out = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  uint32(): number {
    return this.take(4).readUInt32BE(0);
  }

  byte(): number {
    return this.take(1)[0] as number;
  }

  raw(n: number): Buffer {
    return this.take(n);
  }

  string(): Buffer {
    return this.take(this.uint32());
  }

  /** A string that must be printable ASCII/UTF-8 text, e.g. a key type or curve name. */
  text(): string {
    return this.string().toString('utf8');
  }

  mpint(): bigint {
    return decodeMpint(this.string());
  }

  /** Unsigned mpint (key material): a negative value means a corrupt key. */
  unsignedMpint(): bigint {
    const value = this.mpint();
    if (value < 0n) throw new WireFormatError('negative mpint');
    return value;
  }

  rest(): Buffer {
    return this.take(this.remaining);
  }

  expectEnd(): void {
    if (this.remaining !== 0) throw new WireFormatError('trailing bytes');
  }
}
