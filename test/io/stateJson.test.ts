import { describe, expect, it } from "vitest";
import { decodeState, encodeState, fromBase64, MAX_STATE_DEPTH, toBase64, type StateValue } from "../../src/io/stateJson.js";
import { decodeSidecar, encodeSidecar } from "../../src/io/checkpoint.js";
import { serialize } from "../../src/io/safetensors.js";
import { Tensor } from "../../src/tensor/Tensor.js";
import { tensor } from "../../src/ops/creation.js";

const roundTrip = (v: StateValue) => decodeState(JSON.parse(JSON.stringify(encodeState(v))));
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const sidecar = (config: string) => `{"format":"deepscript-checkpoint","version":1,"config":${config},"optimizer":null,"extra":null}`;

describe("encodeState / decodeState round trips", () => {
  it("keeps NaN, ±Infinity and -0 exactly (JSON has none of them)", () => {
    const back = roundTrip([Number.NaN, Infinity, -Infinity, -0, 0, 1e-320]) as number[];
    expect(Number.isNaN(back[0])).toBe(true);
    expect(back.slice(1, 3)).toEqual([Infinity, -Infinity]);
    expect(Object.is(back[3], -0)).toBe(true);
    expect(Object.is(back[4], 0)).toBe(true);
    expect(back[5]).toBe(1e-320);
  });

  it("keeps tensors bit-exactly, and keys named __proto__ as data", () => {
    const value = JSON.parse('{"__proto__": {"x": 1}, "t": null}');
    value.t = tensor([1.5, -2]);
    const back = roundTrip(value) as Record<string, StateValue>;
    expect(Object.keys(back)).toEqual(["__proto__", "t"]);
    expect(back["__proto__"]).toEqual({ x: 1 });
    expect((back.t as Tensor).toList()).toEqual([1.5, -2]);
  });
});

describe("base64", () => {
  it("agrees with Node's Buffer both ways, for every padding", () => {
    for (let n = 0; n < 100; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 13) & 255);
      expect(toBase64(bytes), `length ${n}`).toBe(Buffer.from(bytes).toString("base64"));
      expect(Array.from(fromBase64(Buffer.from(bytes).toString("base64"))), `length ${n}`).toEqual(Array.from(bytes));
    }
  });
});

describe("decodeState refuses malformed files instead of guessing", () => {
  it('{"__number__": ""} is an error, not 0; so is any number text but NaN, Infinity, -Infinity, -0', () => {
    for (const text of ["", " ", "0", "1e3", "0x10", " NaN", "nan", "infinity"]) {
      expect(() => decodeState({ __number__: text }), JSON.stringify(text)).toThrow(/^decodeState: value is a malformed tagged number/);
    }
  });

  it("a tag next to other keys, or with a payload of the wrong type, is an error", () => {
    expect(() => decodeState({ __number__: "NaN", y: 2 })).toThrow(/^decodeState: value is a malformed tagged value: "__number__" must be the object's only key/);
    expect(() => decodeState({ __tensor__: 5 })).toThrow(/^decodeState: value is a malformed tagged tensor: "__tensor__" must hold a base64 string, got 5/);
    expect(() => decodeState({ a: [{ __tensor__: "AAAA", b: 1 }] })).toThrow(/^decodeState: value\.a\[0\] is a malformed tagged value/);
    expect(() => decodeState({ __tensor__: "not base64!" })).toThrow(/^decodeState: value: invalid base64 tensor data/);
    expect(() => decodeState({ __tensor__: base64(serialize({ u: tensor([1]) })) })).toThrow(/exactly one tensor named "t", found \["u"\]/);
    expect(() => decodeState({ __tensor__: base64(new Uint8Array(3)) })).toThrow(/^decodeState: value \(tensor data\): file is 3 bytes/);
  });

  it('a sidecar {"config": {"__proto__": {...}}} gives no hidden properties, and no object that passes instanceof Tensor', () => {
    const t = base64(serialize({ t: tensor([1, 2]) }));
    const hidden = decodeSidecar(sidecar('{"__proto__": {"polluted": 1}}')).config as Record<string, unknown>;
    expect(hidden.polluted).toBeUndefined();
    expect(Object.keys(hidden)).toEqual(["__proto__"]);
    expect(hidden["__proto__"]).toEqual({ polluted: 1 });

    const disguised = decodeSidecar(sidecar(`{"__proto__": {"__tensor__": "${t}"}}`)).config as Record<string, unknown>;
    expect(disguised instanceof Tensor).toBe(false);
    expect(Object.getPrototypeOf(disguised)).toBe(null);
    expect((disguised["__proto__"] as Tensor).toList()).toEqual([1, 2]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(`nesting deeper than ${MAX_STATE_DEPTH} levels is a clear error, not a stack overflow`, () => {
    const nested = (n: number) => JSON.parse("[".repeat(n) + "]".repeat(n));
    expect(() => decodeState(nested(MAX_STATE_DEPTH))).not.toThrow();
    expect(() => decodeState(nested(MAX_STATE_DEPTH + 1))).toThrow(`decodeState: value[0][0][0][0][0][0][0][0]…[0][0][0] is nested deeper than ${MAX_STATE_DEPTH} levels`);
    const deepObject = '{"a":'.repeat(50_000) + "1" + "}".repeat(50_000);
    expect(() => decodeSidecar(sidecar(deepObject))).toThrow("decodeSidecar: config.a.a.a.a.a.a.a.a….a.a.a is nested deeper than 1000 levels");
  });

  it("the sidecar's own shape is checked", () => {
    expect(() => decodeSidecar("[1]")).toThrow(/^decodeSidecar: sidecar is not a deepscript checkpoint/);
    expect(() => decodeSidecar('{"format":"deepscript-checkpoint","version":2,"config":null,"optimizer":null,"extra":null}')).toThrow(/^decodeSidecar: sidecar has version 2; this deepscript reads version 1/);
    expect(() => decodeSidecar('{"format":"deepscript-checkpoint","version":1,"config":null,"extra":null}')).toThrow(/^decodeSidecar: sidecar has no "optimizer" field/);
  });
});

describe("encodeState refuses what it could not give back", () => {
  it("cycles, with the path of the value", () => {
    const a: Record<string, unknown> = { b: [1] };
    (a.b as unknown[]).push(a);
    expect(() => encodeState(a as StateValue)).toThrow("encodeState: value.b[1] refers back to one of its own containers (a cycle)");
    const shared = { x: 1 };
    expect(roundTrip({ p: shared, q: shared })).toEqual({ p: { x: 1 }, q: { x: 1 } }); // shared, not cyclic: fine
  });

  it("nesting deeper than the decoder accepts", () => {
    let deep: StateValue = 1;
    for (let i = 0; i < MAX_STATE_DEPTH + 1; i++) deep = [deep];
    expect(() => encodeState(deep)).toThrow(/is nested deeper than 1000 levels/);
  });

  it("Maps, class instances, typed arrays, bigints and functions", () => {
    expect(() => encodeState({ m: new Map() } as never)).toThrow("encodeState: value.m is a Map; a checkpoint stores plain objects, arrays, numbers, strings, booleans, null and tensors");
    expect(() => encodeState({ a: new Float32Array(2) } as never)).toThrow(/value\.a is a Float32Array/);
    expect(() => encodeState({ n: 10n } as never)).toThrow("encodeState: value.n is a bigint, which a checkpoint cannot store");
    expect(() => encodeState({ f: () => 1 } as never)).toThrow("encodeState: value.f is a function, which a checkpoint cannot store");
  });

  it("objects that use the reserved tag keys", () => {
    expect(() => encodeSidecar({ config: { __number__: "NaN" } })).toThrow('encodeSidecar: config has a key "__number__", which is reserved for tagged values');
  });
});
