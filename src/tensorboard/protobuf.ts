// The few protocol-buffer wire-format pieces event files need: a writer and a reader of tagged fields.

/** Wire types (protobuf encoding spec): varint, 64-bit, length-delimited, 32-bit. */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Appends fields to a growing buffer. Each method writes one field unconditionally: proto3 leaves
 * out scalar fields that hold their default, which the message encoders decide (see `isDefault`).
 */
export class ProtoWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  private rawVarint(value: bigint | number): void {
    // Negative int32/int64 values are sign-extended to 64 bits: ten bytes on the wire.
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private key(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** int32, int64, uint32, uint64, enum and bool fields (an integer, at most 2^53 in magnitude, or a bigint). */
  varint(field: number, value: number | bigint | boolean): this {
    const v = typeof value === "boolean" ? (value ? 1 : 0) : value;
    if (typeof v === "number" && !Number.isSafeInteger(v)) throw new Error(`protobuf: varint field ${field} needs a safe integer, got ${v}`);
    this.key(field, WIRE.varint);
    this.rawVarint(v);
    return this;
  }

  double(field: number, value: number): this {
    this.key(field, WIRE.fixed64);
    this.reserve(8);
    this.view.setFloat64(this.len, value, true);
    this.len += 8;
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, WIRE.fixed32);
    this.reserve(4);
    this.view.setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE.bytes);
    this.rawVarint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8Encoder.encode(value));
  }

  /** A packed `repeated double` (nothing when empty, as proto3 writes it). */
  packedDoubles(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const body = new Uint8Array(8 * values.length);
    const view = new DataView(body.buffer);
    values.forEach((v, i) => view.setFloat64(8 * i, v, true));
    return this.bytes(field, body);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** True for the value proto3 leaves out of the wire: 0 (but not -0), "", false, empty bytes. */
export function isDefault(value: number | string | boolean | Uint8Array | undefined): boolean {
  if (value === undefined) return true;
  if (typeof value === "number") return value === 0 && !Object.is(value, -0);
  if (typeof value === "string") return value.length === 0;
  if (typeof value === "boolean") return !value;
  return value.length === 0;
}

/** A malformed protobuf; `position` is the byte offset inside the message being read. */
export class ProtoError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
  }
}

/** Reads tagged fields of one message from `bytes[start, end)`. */
export class ProtoReader {
  pos: number;
  private readonly view: DataView;

  constructor(private readonly input: Uint8Array, start = 0, private readonly end = input.length) {
    this.pos = start;
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new ProtoError(`protobuf: ${what} at byte ${this.pos} runs past the end of the message (${this.end - this.pos} bytes left, ${n} needed)`, this.pos);
  }

  varint64(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      this.need(1, "varint");
      const b = this.input[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
    throw new ProtoError(`protobuf: varint longer than 10 bytes ending at byte ${this.pos}`, this.pos);
  }

  /** An unsigned varint as a number (must be a safe integer). */
  uint(): number {
    const at = this.pos;
    const v = this.varint64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtoError(`protobuf: varint ${v} at byte ${at} is larger than 2^53`, at);
    return Number(v);
  }

  /** A signed int32/int64 varint as a number (must be a safe integer). */
  int(): number {
    const at = this.pos;
    const v = BigInt.asIntN(64, this.varint64());
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new ProtoError(`protobuf: varint ${v} at byte ${at} is beyond ±2^53`, at);
    return Number(v);
  }

  double(): number {
    this.need(8, "double");
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4, "float");
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A length-delimited field's body (a view into the input, not a copy). */
  bytes(): Uint8Array {
    const len = this.uint();
    this.need(len, "length-delimited field");
    const out = this.input.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    const at = this.pos;
    const body = this.bytes();
    try {
      return utf8Decoder.decode(body);
    } catch {
      throw new ProtoError(`protobuf: string at byte ${at} is not valid UTF-8`, at);
    }
  }

  /** The next field's number and wire type, or null at the end of the message. */
  key(): { field: number; wire: number } | null {
    if (this.done()) return null;
    const at = this.pos;
    const k = this.uint();
    const field = Math.floor(k / 8), wire = k % 8;
    if (field === 0) throw new ProtoError(`protobuf: field number 0 at byte ${at}`, at);
    return { field, wire };
  }

  skip(wire: number): void {
    if (wire === WIRE.varint) this.varint64();
    else if (wire === WIRE.fixed64) { this.need(8, "fixed64"); this.pos += 8; }
    else if (wire === WIRE.bytes) this.bytes();
    else if (wire === WIRE.fixed32) { this.need(4, "fixed32"); this.pos += 4; }
    else throw new ProtoError(`protobuf: unsupported wire type ${wire} at byte ${this.pos}`, this.pos);
  }

  /** Values of a `repeated double` field, packed (wire type 2) or not (wire type 1). */
  doubles(wire: number, into: number[]): void {
    if (wire === WIRE.fixed64) { into.push(this.double()); return; }
    this.expect(wire, WIRE.bytes, "repeated double");
    const body = this.bytes();
    if (body.length % 8 !== 0) throw new ProtoError(`protobuf: packed doubles of ${body.length} bytes (not a multiple of 8) before byte ${this.pos}`, this.pos);
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    for (let i = 0; i < body.length; i += 8) into.push(view.getFloat64(i, true));
  }

  /** Throws unless the field has the expected wire type. */
  expect(wire: number, want: number, what: string): void {
    if (wire !== want) throw new ProtoError(`protobuf: ${what} has wire type ${wire}, expected ${want} (before byte ${this.pos})`, this.pos);
  }
}
