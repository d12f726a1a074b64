import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deserialize, serialize } from "../../src/io/safetensors.js";
import { load, loadCheckpoint, save, saveCheckpoint } from "../../src/io/checkpoint.js";
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

describe("safetensors against an independent Python writer/reader (test/fixtures/io)", () => {
  const values = readFixtureValues();
  const expected = fixtureTensors(values);

  it("reads the Python-written file: every dtype, shape and value bit-for-bit, and the metadata", () => {
    const { tensors, metadata } = deserialize(fixture("python_written.safetensors"));
    expect(metadata).toEqual(values.metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, t] of Object.entries(expected)) {
      expect(tensors[name]!.dtype, name).toBe(t.dtype);
      expect(tensors[name]!.shape, name).toEqual(t.shape);
      expect(bits(tensors[name]!), name).toEqual(bits(t));
    }
  });

  it("writes the same bytes as the Python writer for the same tensors", () => {
    const bytes = serialize(expected, { metadata: values.metadata });
    expect(Buffer.from(bytes).equals(Buffer.from(fixture("python_written.safetensors")))).toBe(true);
  });

  it("the committed deepscript-written file is the one the Python reader verified", () => {
    const committed = fixture("deepscript_written.safetensors");
    const verification = JSON.parse(readFileSync(join(FIXTURE_DIR, "verification.json"), "utf8"));
    expect(verification.readByIndependentReader).toBe(true);
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

describe("safetensors rejects hostile or corrupt files with clear errors", () => {
  const f32 = new Uint8Array(new Float32Array([1, 2]).buffer);
  const entry = (begin: number, end: number, shape = [2], dtype = "F32") => ({ dtype, shape, data_offsets: [begin, end] });

  it("file shorter than the 8-byte length", () => {
    expect(() => deserialize(new Uint8Array(5))).toThrow(/too short/);
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
  it("BOOL bytes other than 0 and 1", () => {
    expect(() => deserialize(craft({ m: entry(0, 2, [2], "BOOL") }, new Uint8Array([1, 7])))).toThrow(/must be 0 or 1/);
  });
  it("every truncation of a valid file is an error, never a crash or a wrong read", () => {
    const good = serialize({ w: tensor([[1, 2], [3, 4]]), b: tensor([5]) });
    for (let n = 0; n < good.length; n++) expect(() => deserialize(good.subarray(0, n))).toThrow(/^safetensors: /);
  });
});

describe("save/load and checkpoints on disk", () => {
  it("save writes atomically (no temp file left) and load reads the tensors back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ds-io-"));
    const path = join(dir, "sub", "model.safetensors");
    await save({ w: tensor([[1.5, -2]]) }, path);
    await save({ w: tensor([[3, 4]]) }, path); // overwrite in place
    expect(readdirSync(join(dir, "sub"))).toEqual(["model.safetensors"]);
    expect((await load(path)).w!.toList()).toEqual([3, 4]);
  });

  it("saveCheckpoint keeps optimizer tensors, NaN and step counts exactly in the JSON sidecar", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ds-io-"));
    const path = join(dir, "ckpt.safetensors");
    const m = Tensor.fromData(new Float32Array([0.1, -0, Math.fround(1e-40)]), [3], "float32");
    await saveCheckpoint(path, {
      stateDict: { w: tensor([1, 2]) },
      config: { sizes: [2, 3] },
      optimizer: { state: { 0: { step: 7, momentumBuffer: m } }, paramGroups: [{ lr: 0.05, params: [0] }] },
      extra: { generator: [1, 2, 3, 4, Number.NaN, 0] },
    });
    expect(existsSync(join(dir, "ckpt.json"))).toBe(true);
    const back = await loadCheckpoint(path);
    expect(back.stateDict.w!.toList()).toEqual([1, 2]);
    expect(back.config).toEqual({ sizes: [2, 3] });
    const opt = back.optimizer as { state: Record<string, { step: number; momentumBuffer: Tensor }>; paramGroups: unknown };
    expect(opt.state["0"]!.step).toBe(7);
    expect(bits(opt.state["0"]!.momentumBuffer)).toEqual(bits(m));
    expect(opt.paramGroups).toEqual([{ lr: 0.05, params: [0] }]);
    expect(Number.isNaN((back.extra as { generator: number[] }).generator[4])).toBe(true);
  });
});
