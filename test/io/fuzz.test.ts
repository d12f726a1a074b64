import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deserializeCheckpoint, loadCheckpoint, serializeCheckpoint, SIDECAR_HASH_KEY, type Checkpoint } from "../../src/io/checkpoint.js";
import { deserialize, serialize } from "../../src/io/safetensors.js";
import { ioLimits } from "../../src/node/fs.js";
import { Tensor } from "../../src/tensor/Tensor.js";

// Fuzzed checkpoint files: valid checkpoints mutated at random (seeded) — bit flips, truncation,
// length fields, header and sidecar JSON edits, random bytes, mixed pairs. Every mutated pair must
// load to a well-formed result or be refused with a plain Error whose message names the operation;
// never a hang, a crash, a non-Error throw, or a RangeError/TypeError from the internals.

/** mulberry32: a small seeded generator. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(2024);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function baseCheckpoints(): Checkpoint[] {
  const f32 = (values: number[], shape = [values.length]) => Tensor.fromData(Float32Array.from(values), shape, "float32");
  return [
    {
      stateDict: {
        "0.weight": f32([0.5, -1, 2, 3, 4, 5], [2, 3]),
        "0.bias": Tensor.fromData(Float64Array.from([0.1, -0.2]), [2], "float64"),
        labels: Tensor.fromData(Int32Array.from([3, -4, 5]), [3], "int32"),
        mask: Tensor.fromData(Uint8Array.from([1, 0]), [2], "bool"),
        scalar: f32([7], []),
      },
      config: { sizes: [3, 2], name: "mlp", nested: { deep: [[1, 2], { k: true }] } },
      optimizer: { state: { 0: { step: 4, momentumBuffer: f32([0.25, Number.NaN]) } }, paramGroups: [{ lr: 0.05, momentum: 0.9, params: [0] }] },
      extra: { epoch: 3, best: Infinity, zero: -0 },
    },
    { stateDict: {}, config: null, optimizer: null, extra: { note: "empty" } },
    { stateDict: { empty: f32([], [0, 3]), one: f32([1]) }, extra: [1, "two", null, { three: [Tensor.fromData(Int32Array.from([3]), [1], "int32")] }] },
  ];
}

interface Case {
  kind: string;
  weights: Uint8Array;
  sidecar: string;
}

function headerOf(bytes: Uint8Array): { json: Record<string, unknown>; rest: Uint8Array } {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  return { json: JSON.parse(decoder.decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>, rest: bytes.subarray(8 + n) };
}

function withHeader(text: string, rest: Uint8Array, declared?: number): Uint8Array {
  const body = encoder.encode(text);
  const out = new Uint8Array(8 + body.length + rest.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, declared ?? body.length, true);
  out.set(body, 8);
  out.set(rest, 8 + body.length);
  return out;
}

const hostileValues = (): unknown[] => [
  null, true, 0, -1, 1.5, 1e20, -0, "", "x", "NaN", [], {}, [-2], [0.5, 8], ["2"], [1, 2, 3],
  { __number__: pick(["", " ", "NaN", "1e3", "-0", "Infinity", "nan"]) },
  { __tensor__: pick(["", "AAAA", "!!!!", Buffer.from(serialize({ t: Tensor.fromData(Float32Array.from([1]), [1], "float32") })).toString("base64"), Buffer.from(serialize({ u: Tensor.fromData(Float32Array.from([1]), [1], "float32") })).toString("base64")]) },
  { __tensor__: 5 }, { __tensor__: "AAAA", extra: 1 },
  JSON.parse('{"__proto__": {"polluted": 1}}'),
  JSON.parse(`{"__proto__": {"__tensor__": "${Buffer.from(serialize({ t: Tensor.fromData(Float32Array.from([2]), [1], "float32") })).toString("base64")}"}}`),
  JSON.parse("[".repeat(3000) + "]".repeat(3000)),
];

/** Replaces a random node of a parsed JSON value (returns the new root). */
function editJson(root: unknown, replacement: () => unknown, deleteChance = 0.15): unknown {
  if (root === null || typeof root !== "object" || random() < 0.2) return replacement();
  const keys = Object.keys(root);
  if (keys.length === 0) return replacement();
  const key = pick(keys);
  const container = root as Record<string, unknown>;
  if (!Array.isArray(root) && random() < deleteChance) {
    delete container[key];
    return root;
  }
  Object.defineProperty(container, key, { value: editJson(container[key], replacement, deleteChance), enumerable: true, writable: true, configurable: true });
  return root;
}

/** The weights with their recorded sidecar hash replaced (so an edited sidecar passes the hash check). */
function rehash(weights: Uint8Array, sidecar: string): Uint8Array {
  const { json, rest } = headerOf(weights);
  (json.__metadata__ as Record<string, string>)[SIDECAR_HASH_KEY] = sha256(encoder.encode(sidecar));
  return withHeader(JSON.stringify(json), rest);
}

const mutators: Record<string, (base: Case, other: Case) => Case> = {
  bitFlips(base) {
    const weights = base.weights.slice();
    const headerLength = new DataView(weights.buffer).getUint32(0, true);
    for (let i = 1 + int(8); i > 0; i--) {
      const at = random() < 0.6 ? int(Math.min(weights.length, 8 + headerLength)) : int(weights.length);
      weights[at]! ^= 1 << int(8);
    }
    return { kind: "bitFlips", weights, sidecar: base.sidecar };
  },
  truncate(base) {
    return { kind: "truncate", weights: base.weights.slice(0, int(base.weights.length)), sidecar: base.sidecar };
  },
  lengthField(base) {
    const weights = base.weights.slice();
    const view = new DataView(weights.buffer);
    const n = view.getUint32(0, true);
    const value = pick([0, 1, 2, 7, n - 1, n + 1, n - 8, n + 8, weights.length, weights.length - 8, 2 ** 31, 2 ** 32 - 1, 100_000_001, int(2 ** 32)]);
    view.setUint32(0, Math.max(0, value) >>> 0, true);
    if (random() < 0.2) view.setUint32(4, 1 + int(2 ** 32 - 1), true);
    return { kind: "lengthField", weights, sidecar: base.sidecar };
  },
  headerEdit(base) {
    const { json, rest } = headerOf(base.weights);
    const names = Object.keys(json).filter((k) => k !== "__metadata__");
    const choice = int(7);
    if (choice === 0 && names.length > 0) (json[pick(names)] as Record<string, unknown>).dtype = pick(["F16", "toString", "__proto__", "constructor", "", "f32", 3, null, "BOOL", "I32", "F64", "F32"]);
    else if (choice === 1 && names.length > 0) (json[pick(names)] as Record<string, unknown>).shape = pick(hostileValues().concat([[3, 2], [2, 3], [6], [0], [1e15, 0]]));
    else if (choice === 2 && names.length > 0) {
      const entry = json[pick(names)] as Record<string, number[]>;
      const offsets = entry.data_offsets!;
      entry.data_offsets = pick([[offsets[0]! + 4, offsets[1]!], [offsets[1]!, offsets[0]!], [offsets[0]!, offsets[1]! - 4], [offsets[0]!], [-4, offsets[1]!], [0, 2 ** 53]]);
    } else if (choice === 3 && names.length > 0) {
      const name = pick(names);
      const entry = json[name];
      delete json[name];
      Object.defineProperty(json, pick(["__proto__", "toString", "", "__metadata__", "é"]), { value: entry, enumerable: true, writable: true, configurable: true });
    } else if (choice === 4) json.__metadata__ = pick(hostileValues().concat([{ a: "b" }, { [SIDECAR_HASH_KEY]: "0".repeat(64) }, { [SIDECAR_HASH_KEY]: "XYZ" }]));
    else if (choice === 5) json[`extra${int(3)}`] = { dtype: "F32", shape: [1], data_offsets: [0, 4] };
    else return { kind: "headerEdit", weights: withHeader(JSON.stringify(editJson(json, () => pick(hostileValues()))), rest), sidecar: base.sidecar };
    const text = JSON.stringify(json);
    return { kind: "headerEdit", weights: withHeader(text, rest, random() < 0.8 ? undefined : text.length + int(9) - 4), sidecar: base.sidecar };
  },
  randomBytes(base) {
    let weights = base.weights.slice();
    const at = int(weights.length);
    const span = Uint8Array.from({ length: 1 + int(16) }, () => int(256));
    const op = int(3);
    if (op === 0) weights.set(span.subarray(0, Math.min(span.length, weights.length - at)), at);
    else if (op === 1) weights = Uint8Array.from([...weights.subarray(0, at), ...span, ...weights.subarray(at)]);
    else weights = Uint8Array.from([...weights.subarray(0, at), ...weights.subarray(Math.min(weights.length, at + span.length))]);
    return { kind: "randomBytes", weights, sidecar: base.sidecar };
  },
  randomFile(base) {
    const bytes = Uint8Array.from({ length: int(300) }, () => int(256));
    if (random() < 0.5 && bytes.length >= 9) {
      new DataView(bytes.buffer).setUint32(0, int(bytes.length), true);
      new DataView(bytes.buffer).setUint32(4, 0, true);
      bytes[8] = 0x7b; // "{"
    }
    return { kind: "randomFile", weights: bytes, sidecar: base.sidecar };
  },
  sidecarJsonEdit(base) {
    const json = JSON.parse(base.sidecar) as unknown;
    const sidecar = JSON.stringify(editJson(json, () => pick(hostileValues())));
    // Mostly with the weights re-hashed, so the edited sidecar reaches the decoder.
    return { kind: "sidecarJsonEdit", weights: random() < 0.8 ? rehash(base.weights, sidecar) : base.weights, sidecar };
  },
  sidecarBytes(base) {
    const bytes = encoder.encode(base.sidecar);
    const edited = random() < 0.5 ? bytes.slice(0, int(bytes.length)) : bytes.map((b) => (random() < 0.01 ? b ^ (1 << int(8)) : b));
    const sidecar = decoder.decode(edited);
    return { kind: "sidecarBytes", weights: random() < 0.8 ? rehash(base.weights, sidecar) : base.weights, sidecar };
  },
  manifestEdit(base) {
    const { json, rest } = headerOf(base.weights);
    const metadata = json.__metadata__ as Record<string, unknown>;
    const hash = metadata[SIDECAR_HASH_KEY] as string;
    const choice = int(5);
    if (choice === 0) metadata[SIDECAR_HASH_KEY] = hash.toUpperCase();
    else if (choice === 1) metadata[SIDECAR_HASH_KEY] = hash.slice(0, 63);
    else if (choice === 2) metadata[SIDECAR_HASH_KEY] = hash.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    else if (choice === 3) delete metadata[SIDECAR_HASH_KEY];
    else metadata[SIDECAR_HASH_KEY] = pick(hostileValues());
    return { kind: "manifestEdit", weights: withHeader(JSON.stringify(json), rest), sidecar: base.sidecar };
  },
  mixedPair(base, other) {
    return { kind: "mixedPair", weights: base.weights, sidecar: other.sidecar };
  },
};

/** Checks that a loaded value is made only of what a checkpoint can hold. */
function checkWellFormed(value: unknown, depth = 0): void {
  expect(depth).toBeLessThanOrEqual(1001);
  if (value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number") return;
  if (value instanceof Tensor) {
    checkTensor(value);
    return;
  }
  expect(typeof value).toBe("object");
  if (Array.isArray(value)) {
    for (const v of value) checkWellFormed(v, depth + 1);
    return;
  }
  expect(Object.getPrototypeOf(value)).toBe(null);
  for (const v of Object.values(value as object)) checkWellFormed(v, depth + 1);
}

function checkTensor(t: Tensor): void {
  expect(Object.getPrototypeOf(t)).toBe(Tensor.prototype);
  expect(["float32", "float64", "int32", "bool"]).toContain(t.dtype);
  expect(t.shape.every((s) => Number.isSafeInteger(s) && s >= 0)).toBe(true);
  expect(t.dataSync().length).toBe(t.size);
}

function checkCheckpoint(ck: Checkpoint): void {
  expect(Object.getPrototypeOf(ck.stateDict)).toBe(null);
  for (const t of Object.values(ck.stateDict)) {
    expect(t).toBeInstanceOf(Tensor);
    checkTensor(t);
  }
  checkWellFormed(ck.config);
  checkWellFormed(ck.optimizer);
  checkWellFormed(ck.extra);
}

/** Runs `fn`; a throw must be a plain Error naming one of `ops`. */
function outcome(fn: () => unknown, ops: RegExp, label: string): "ok" | "error" {
  try {
    fn();
    return "ok";
  } catch (e) {
    if (!(e instanceof Error) || e.constructor !== Error || !ops.test(e.message) || e.message.length > 2000 || /NaN bytes|\[object /.test(e.message)) {
      throw new Error(`${label}: bad failure ${e instanceof Error ? `${e.constructor.name}: ${e.message.slice(0, 300)}` : String(e)}`);
    }
    return "error";
  }
}

describe("fuzzed checkpoint files", () => {
  const bases: Case[] = baseCheckpoints().map((ck) => ({ kind: "base", ...serializeCheckpoint(ck, { metadata: { producer: "fuzz" } }) }));
  const cases: Case[] = [];
  const PER_MUTATOR = 230;
  for (const [name, mutate] of Object.entries(mutators)) {
    for (let i = 0; i < PER_MUTATOR; i++) {
      const b = int(bases.length);
      cases.push(mutate(bases[b]!, bases[(b + 1) % bases.length]!));
      expect(cases[cases.length - 1]!.kind).toBe(name);
    }
  }
  const scratch = mkdtempSync(join(tmpdir(), "ds-fuzz-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it(`the valid checkpoints themselves load (${bases.length} of them)`, () => {
    for (const base of bases) checkCheckpoint(deserializeCheckpoint(base.weights, base.sidecar));
  });

  it(`${Object.keys(mutators).length * PER_MUTATOR} mutated pairs each load well-formed or throw a clear Error naming the operation`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(2000);
    const tally: Record<string, { ok: number; error: number }> = {};
    cases.forEach((c, i) => {
      const label = `case ${i} (${c.kind})`;
      const t = (tally[c.kind] ??= { ok: 0, error: 0 });
      t[outcome(() => checkCheckpoint(deserializeCheckpoint(c.weights, c.sidecar)), /^deserializeCheckpoint: /, label)]++;
      // The weights alone, as a plain safetensors file.
      outcome(() => {
        const { tensors, metadata } = deserialize(c.weights);
        expect(Object.getPrototypeOf(tensors)).toBe(null);
        expect(Object.getPrototypeOf(metadata)).toBe(null);
        for (const v of Object.values(metadata)) expect(typeof v).toBe("string");
        for (const v of Object.values(tensors)) checkTensor(v);
      }, /^io\.deserialize: /, label);
    });
    // Every family was exercised, and mutations are not all trivially rejected.
    for (const name of Object.keys(mutators)) expect(tally[name]!.ok + tally[name]!.error, name).toBe(PER_MUTATOR);
    expect(tally.mixedPair).toEqual({ ok: 0, error: PER_MUTATOR });
    expect(tally.sidecarJsonEdit!.ok).toBeGreaterThan(0);
    expect(tally.headerEdit!.ok + tally.bitFlips!.ok).toBeGreaterThan(0);
  });

  it("a sample read from disk in 5-byte chunks by loadCheckpoint gives the same outcome as in memory", async () => {
    const saved = ioLimits.chunkBytes;
    ioLimits.chunkBytes = 5;
    try {
      for (let i = 0; i < cases.length; i += 15) {
        const c = cases[i]!;
        const dir = join(scratch, String(i));
        const path = join(dir, "ckpt.safetensors");
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir);
        writeFileSync(path, c.weights);
        writeFileSync(join(dir, "ckpt.json"), c.sidecar);
        const memory = outcome(() => deserializeCheckpoint(c.weights, c.sidecar), /^deserializeCheckpoint: /, `case ${i}`);
        let disk: "ok" | "error";
        try {
          checkCheckpoint(await loadCheckpoint(path));
          disk = "ok";
        } catch (e) {
          expect(e, `case ${i}`).toBeInstanceOf(Error);
          expect((e as Error).constructor, `case ${i}: ${(e as Error).message}`).toBe(Error);
          expect((e as Error).message, `case ${i}`).toMatch(/^loadCheckpoint: /);
          disk = "error";
        }
        expect(disk, `case ${i} (${c.kind})`).toBe(memory);
      }
    } finally {
      ioLimits.chunkBytes = saved;
    }
  });
});
