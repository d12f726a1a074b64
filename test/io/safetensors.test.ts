import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deserialize, serialize } from "../../src/io/safetensors.js";
import { Tensor } from "../../src/tensor/Tensor.js";
import { tensor } from "../../src/ops/creation.js";
import { FIXTURE_DIR, fixtureTensors, readFixtureValues } from "../fixtures/io/fixtureValues.js";

const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURE_DIR, name)));

/** Bit patterns, so that -0 and NaN compare exactly. */
function bits(t: Tensor): number[] {
  const d = t.dataSync();
  return Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
}

/** A file with the given header text and data buffer, and optionally a wrong declared header length. */
function craft(header: string | object, buffer: Uint8Array = new Uint8Array(0), declaredLength?: number): Uint8Array {
  const text = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + buffer.length);
  new DataView(out.buffer).setUint32(0, declaredLength ?? text.length, true);
  out.set(text, 8);
  out.set(buffer, 8 + text.length);
  return out;
}

/** The header JSON text of a safetensors file. */
function headerText(bytes: Uint8Array): string {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
}

describe("safetensors against the official safetensors package (test/fixtures/io)", () => {
  const values = readFixtureValues();
  const expected = fixtureTensors(values);

  it("reads the file written by safetensors.torch.save_file: every dtype, shape, name and value bit-for-bit, and the metadata", () => {
    const { tensors, metadata } = deserialize(fixture("python_written.safetensors"));
    expect({ ...metadata }).toEqual(values.metadata);
    expect(Object.keys(tensors).sort()).toEqual([...expected.keys()].sort());
    for (const [name, t] of expected) {
      expect(tensors[name]!.dtype, name).toBe(t.dtype);
      expect(tensors[name]!.shape, name).toEqual(t.shape);
      expect(bits(tensors[name]!), name).toEqual(bits(t));
    }
  });

  it("writes the official writer's bytes for the same tensors: dtype order F64, F32, I32, BOOL, then names by code point", () => {
    const bytes = serialize(expected, { metadata: values.metadata });
    const official = fixture("python_written.safetensors");
    expect(headerText(bytes)).toBe(headerText(official));
    expect(Buffer.from(bytes).equals(Buffer.from(official))).toBe(true);
  });

  it("writes the same bytes whatever order the tensors are given in", () => {
    const reversed = new Map([...expected.entries()].reverse());
    expect(Buffer.from(serialize(reversed, { metadata: values.metadata })).equals(Buffer.from(fixture("python_written.safetensors")))).toBe(true);
  });

  it("the committed deepscript-written file is the one the official reader verified", () => {
    const committed = fixture("deepscript_written.safetensors");
    const verification = JSON.parse(readFileSync(join(FIXTURE_DIR, "verification.json"), "utf8"));
    expect(verification.readByOfficialReader).toBe(true);
    expect(verification.byteEqualToOfficialWriter).toBe(true);
    expect(verification.problems).toEqual([]);
    expect(verification.sha256).toBe(createHash("sha256").update(committed).digest("hex"));
    // ... and today's serializer still produces exactly that file.
    expect(Buffer.from(serialize(expected, { metadata: values.metadata })).equals(Buffer.from(committed))).toBe(true);
  });

  it("pads the header with spaces so the data buffer starts at a multiple of 8", () => {
    const bytes = serialize({ a: tensor([1, 2, 3]) });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    expect((8 + n) % 8).toBe(0);
    expect(String.fromCharCode(bytes[8 + n - 1]!)).toMatch(/[ }]/);
  });

  it("round-trips non-contiguous views by their logical (row-major) values", () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]).transpose(0, 1);
    const back = deserialize(serialize({ x })).tensors.x!;
    expect(back.shape).toEqual([3, 2]);
    expect(back.toList()).toEqual([1, 4, 2, 5, 3, 6]);
  });
});

describe("names from files are data, never object properties", () => {
  const f32 = new Uint8Array(new Float32Array([1, 2]).buffer);

  it("a tensor named __proto__ is read as an ordinary entry (not dropped, not the record's prototype)", () => {
    const { tensors } = deserialize(craft('{"__proto__":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32));
    expect(Object.keys(tensors)).toEqual(["__proto__"]);
    expect(Object.hasOwn(tensors, "__proto__")).toBe(true);
    expect(tensors["__proto__"]).toBeInstanceOf(Tensor);
    expect((tensors["__proto__"] as Tensor).toList()).toEqual([1, 2]);
    expect(tensors instanceof Tensor).toBe(false);
  });

  it("a metadata key __proto__ is read as an ordinary entry", () => {
    const { metadata } = deserialize(craft('{"__metadata__":{"__proto__":"x","a":"b"}}'));
    expect(Object.keys(metadata)).toEqual(["__proto__", "a"]);
    expect(metadata["__proto__"]).toBe("x");
  });

  it("names that exist on Object.prototype are not mistaken for tensors", () => {
    const { tensors } = deserialize(craft({ w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, f32));
    expect(tensors.toString).toBeUndefined();
    expect("constructor" in tensors).toBe(false);
  });

  it("a tensor and a metadata key named __proto__ are written, and read back", () => {
    const tensors = new Map([["__proto__", tensor([3, 4])]]);
    const metadata = new Map([["__proto__", "m"]]);
    const bytes = serialize(tensors, { metadata });
    expect(headerText(bytes).trim()).toBe('{"__metadata__":{"__proto__":"m"},"__proto__":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}');
    const back = deserialize(bytes);
    expect((back.tensors["__proto__"] as Tensor).toList()).toEqual([3, 4]);
    expect(back.metadata["__proto__"]).toBe("m");
  });
});

describe("safetensors rejects hostile or corrupt files with clear errors naming io.deserialize", () => {
  const f32 = new Uint8Array(new Float32Array([1, 2]).buffer);
  const entry = (begin: number, end: number, shape: unknown = [2], dtype: unknown = "F32") => ({ dtype, shape, data_offsets: [begin, end] });

  it("file shorter than the 8-byte length", () => {
    expect(() => deserialize(new Uint8Array(5))).toThrow(/^io\.deserialize: file is 5 bytes, too short/);
  });
  it("header length beyond the 100 MB limit (u64 with high bits set)", () => {
    const b = craft({}, new Uint8Array(0));
    new DataView(b.buffer).setUint32(4, 1, true);
    expect(() => deserialize(b)).toThrow(/exceeds the format's limit/);
  });
  it("header larger than the file", () => {
    expect(() => deserialize(craft({ a: entry(0, 8) }, f32, 10_000))).toThrow(/larger than the \d+ bytes/);
  });
  it("invalid JSON", () => {
    expect(() => deserialize(craft('{"a": {"dtype": "F32",', f32))).toThrow(/not valid JSON/);
  });
  it("header that does not start with {", () => {
    expect(() => deserialize(craft("[1,2,3]", f32))).toThrow(/must start with/);
  });
  it("invalid UTF-8 in the header", () => {
    const b = craft('{"a":1}');
    b[10] = 0xff;
    expect(() => deserialize(b)).toThrow(/UTF-8/);
  });
  it("unknown dtype", () => {
    expect(() => deserialize(craft({ a: entry(0, 4, [2], "F16") }, f32.subarray(0, 4)))).toThrow(/dtype "F16".*cannot read/);
  });
  it("dtype names that are properties of every JavaScript object are unknown dtypes, not 'needs NaN bytes'", () => {
    for (const code of ["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf"]) {
      expect(() => deserialize(craft({ a: entry(0, 8, [2], code) }, f32)), code).toThrow(new RegExp(`^io\\.deserialize: tensor "a" has dtype "${code}", which deepscript cannot read \\(supported: F32, F64, I32, I64 as int32, BOOL\\)$`));
    }
  });
  it("offsets beyond the data buffer", () => {
    expect(() => deserialize(craft({ a: entry(0, 16, [4]) }, f32))).toThrow(/beyond the 8-byte data buffer/);
  });
  it("begin after end", () => {
    expect(() => deserialize(craft({ a: entry(8, 0) }, f32))).toThrow(/begin > end/);
  });
  it("overlapping tensors", () => {
    expect(() => deserialize(craft({ a: entry(0, 8), b: entry(4, 8, [1]) }, f32))).toThrow(/overlap/);
  });
  it("a hole in the buffer", () => {
    expect(() => deserialize(craft({ a: entry(4, 8, [1]) }, f32))).toThrow(/belong to no tensor/);
  });
  it("a buffer not fully covered at its end", () => {
    expect(() => deserialize(craft({ a: entry(0, 4, [1]) }, f32))).toThrow(/cover only 4/);
  });
  it("shape that does not match the byte span", () => {
    expect(() => deserialize(craft({ a: entry(0, 8, [3]) }, f32))).toThrow(/needs 12 bytes.*span 8/);
  });
  it("negative, fractional or missing shape/offset values", () => {
    expect(() => deserialize(craft({ a: entry(0, 8, [-2]) }, f32))).toThrow(/invalid shape/);
    expect(() => deserialize(craft({ a: { dtype: "F32", shape: [2], data_offsets: [0.5, 8] } }, f32))).toThrow(/invalid data_offsets/);
    expect(() => deserialize(craft({ a: { dtype: "F32", shape: [2] } }, f32))).toThrow(/invalid data_offsets/);
  });
  it("non-string metadata values", () => {
    expect(() => deserialize(craft({ __metadata__: { epoch: 3 }, a: entry(0, 8) }, f32))).toThrow(/__metadata__ value/);
  });
  it("metadata, shapes and offsets nested thousands deep give a clear error, not a stack overflow", () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    const cases = [
      `{"__metadata__":{"k":${deep(100_000)}}}`,
      `{"__metadata__":${deep(100_000)}}`,
      `{"a":{"dtype":"F32","shape":${deep(100_000)},"data_offsets":[0,0]}}`,
      `{"a":{"dtype":"F32","shape":[2],"data_offsets":${deep(100_000)}}}`,
      `{"a":{"dtype":${deep(100_000)},"shape":[2],"data_offsets":[0,8]}}`,
      `{"a":${deep(100_000)}}`,
    ];
    for (const text of cases) {
      let error: unknown;
      try {
        deserialize(craft(text));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).constructor).toBe(Error);
      expect((error as Error).message).toMatch(/^io\.deserialize: /);
      expect((error as Error).message.length).toBeLessThan(400);
    }
  });
  it("BOOL bytes other than 0 and 1", () => {
    expect(() => deserialize(craft({ m: entry(0, 2, [2], "BOOL") }, new Uint8Array([1, 7])))).toThrow(/must be 0 or 1/);
  });
  it("every truncation of a valid file is an error, never a crash or a wrong read", () => {
    const good = serialize({ w: tensor([[1, 2], [3, 4]]), b: tensor([5]) });
    for (let n = 0; n < good.length; n++) expect(() => deserialize(good.subarray(0, n))).toThrow(/^io\.deserialize: /);
  });
  it("a non-Uint8Array argument", () => {
    expect(() => deserialize("abc" as unknown as Uint8Array)).toThrow(/^io\.deserialize: expected the file's bytes as a Uint8Array, got string/);
  });
});

describe("serialize refuses what it cannot write faithfully, naming io.serialize", () => {
  it("non-tensor values, reserved and non-string names, non-string metadata", () => {
    expect(() => serialize({ a: [1, 2] as unknown as Tensor })).toThrow(/^io\.serialize: "a" is not a Tensor/);
    expect(() => serialize({ __metadata__: tensor([1]) })).toThrow(/^io\.serialize: "__metadata__" is reserved/);
    expect(() => serialize(new Map([[1 as unknown as string, tensor([1])]]))).toThrow(/^io\.serialize: tensor names must be strings, got number/);
    expect(() => serialize({ a: tensor([1]) }, { metadata: { epoch: 3 as unknown as string } })).toThrow(/^io\.serialize: metadata value for "epoch" must be a string, got number/);
  });
  it("names with a lone surrogate, which other readers reject", () => {
    expect(() => serialize({ "a\ud800": tensor([1]) })).toThrow(/^io\.serialize: tensor name .* is not well-formed Unicode/);
  });
  it("a disposed tensor", () => {
    const t = tensor([1, 2]);
    t.dispose();
    expect(() => serialize({ t })).toThrow(/^io\.serialize: the tensor .* was disposed/);
  });
});

describe("I64 (PyTorch's int64) is read as int32", () => {
  const file = (values: bigint[]): Uint8Array => {
    const json = `{"n":{"dtype":"I64","shape":[${values.length}],"data_offsets":[0,${8 * values.length}]}}`;
    const header = new TextEncoder().encode(json.padEnd(Math.ceil(json.length / 8) * 8, " "));
    const out = new Uint8Array(8 + header.length + 8 * values.length);
    const view = new DataView(out.buffer);
    view.setBigUint64(0, BigInt(header.length), true);
    out.set(header, 8);
    values.forEach((v, i) => view.setBigInt64(8 + header.length + 8 * i, v, true));
    return out;
  };
  it("values in int32's range load exactly", () => {
    const t = deserialize(file([5n, -2147483648n, 2147483647n])).tensors["n"]!;
    expect(t.dtype).toBe("int32");
    expect(t.toList()).toEqual([5, -2147483648, 2147483647]);
  });
  it("a value outside int32 is an error naming the tensor, not a wrapped number", () => {
    expect(() => deserialize(file([1n, 2147483648n]))).toThrow(/^io\.deserialize: I64 tensor "n" holds 2147483648 at element 1, outside int32/);
  });
});
