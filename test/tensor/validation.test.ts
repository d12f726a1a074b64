// Bad arguments never compute something else: every shape, size, dim, index and dtype a caller passes is
// checked, and the error names the op the caller used (issue #11, defects 4–6 and 10–12). The tables run
// every public op family with every kind of bad value; the values are fixed, so the run is reproducible.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

/** The call throws an Error (not a TypeError/RangeError from internals) whose message starts with `op:`. */
function expectOpError(op: string, call: () => unknown, also?: RegExp): void {
  let thrown: unknown = null;
  try {
    call();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `${op}: expected an error`).toBeInstanceOf(Error);
  const err = thrown as Error;
  expect(err.constructor, `${op}: ${err.message}`).toBe(Error);
  expect(err.message.startsWith(`${op}: `), `expected "${op}: …", got "${err.message}"`).toBe(true);
  if (also) expect(err.message).toMatch(also);
}

/** Values that are never a valid integer argument (size, count, dim or index). */
const notIntegers: unknown[] = [1.5, -0.5, NaN, Infinity, -Infinity, "1", null, true, [1], {}, 10n];
/** Integers out of any tensor's range here. */
const hugeIntegers = [2 ** 32 + 1, -(2 ** 32) - 1, 2 ** 53];
const bad = (v: unknown) => v as never;
/** Ops whose dim argument may be a list of dims. */
const dimListOk = new Set(["squeeze", "flip", "sum", "mean", "max", "var", "logsumexp"]);

describe("defect 4: JS-array indices are never coerced", () => {
  const x = ds.arange(0, 12, 1, { dtype: "float32" }).reshape(4, 3);
  it("indexSelect refuses 2**32 + 1, NaN, 1.5 and '1' (they used to select rows 1, 0, 1, 1)", () => {
    expectOpError("indexSelect", () => ds.indexSelect(x, 0, [2 ** 32 + 1]), /out of bounds/);
    expectOpError("indexSelect", () => ds.indexSelect(x, 0, [NaN]), /integers, got NaN/);
    expectOpError("indexSelect", () => ds.indexSelect(x, 0, [1.5]), /integers, got 1.5/);
    expectOpError("indexSelect", () => ds.indexSelect(x, 0, [bad("1")]), /integers, got "1"/);
  });
  it("indexAdd refuses 2**32 (it used to write row 0)", () => {
    expectOpError("indexAdd", () => ds.indexAdd(x, 0, [2 ** 32], ds.ones([1, 3])), /out of bounds/);
  });
  it("valid negative indices still count from the end", () => {
    expect(ds.indexSelect(x, 0, [-1]).toList()).toEqual([9, 10, 11]);
  });
});

describe("defect 5: invalid shapes, sizes and positions are refused", () => {
  it("the reported cases", () => {
    expectOpError("tensor", () => ds.tensor([1, 2, 3, 4, 5, 6], { shape: [-2, -3] }), /invalid shape/);
    expectOpError("expand", () => ds.ones([1]).expand([2.5]), /invalid shape/);
    expectOpError("slice", () => ds.slice(ds.ones([4, 3]), 0, 1.5, 3), /start must be an integer, got 1.5/);
    expectOpError("arange", () => ds.arange(0, NaN), /NaN/);
    expectOpError("randperm", () => ds.randperm(2.5), /integer, got 2.5/);
  });
  it("arange refuses bounds inconsistent with the step, and infinite bounds (as PyTorch)", () => {
    expectOpError("arange", () => ds.arange(0, -5));
    expectOpError("arange", () => ds.arange(0, Infinity));
    expect(ds.arange(5, 0, -2).toList()).toEqual([5, 3, 1]);
  });
});

describe("defect 6: in-place writes into expanded views are refused (as PyTorch)", () => {
  const src = () => ds.tensor([[1, 2, 3], [4, 5, 6]]);
  for (const [op, write] of [
    ["add_", (t: Tensor) => t.add_(src())],
    ["sub_", (t: Tensor) => t.sub_(src())],
    ["mul_", (t: Tensor) => t.mul_(2)],
    ["div_", (t: Tensor) => t.div_(src())],
    ["copy_", (t: Tensor) => t.copy_(src())],
    ["clamp_", (t: Tensor) => t.clamp_({ min: 0 })],
    ["add_", (t: Tensor) => t.add_(1, { alpha: 2 })],
  ] as const) {
    it(`${op} on zeros([1,3]).expand([2,3])`, () => {
      const base = ds.zeros([1, 3]);
      expectOpError(op, () => write(base.expand([2, 3])), /single memory location/);
      expect(base.toList()).toEqual([0, 0, 0]);
    });
  }
  it("fill_ and zero_ stay allowed (every element gets one value, as in PyTorch)", () => {
    const base = ds.zeros([1, 3]);
    base.expand([2, 3]).fill_(7);
    expect(base.toList()).toEqual([7, 7, 7]);
  });
  it("an expanded dim of size 1 is no overlap", () => {
    expect(ds.zeros([3]).expand([1, 3]).add_(1).toList()).toEqual([1, 1, 1]);
  });
});

describe("defect 10: deep and cyclic nesting in tensor()", () => {
  it("a 10⁵-deep array is a clear error, not a stack overflow", () => {
    let a: unknown = [1];
    for (let i = 0; i < 1e5; i++) a = [a];
    expectOpError("tensor", () => ds.tensor(a as never), /deeper than 64/);
  });
  it("a self-referential array is a clear error", () => {
    const a: unknown[] = [];
    a.push(a);
    expectOpError("tensor", () => ds.tensor(a as never), /contains itself/);
    const b: unknown[] = [[1, 2], [3, 4]];
    (b[1] as unknown[])[0] = b;
    expectOpError("tensor", () => ds.tensor(b as never));
  });
  it("nesting up to 64 levels still works", () => {
    let a: unknown = [2];
    for (let i = 0; i < 63; i++) a = [a];
    expect(ds.tensor(a as never).ndim).toBe(64);
  });
});

describe("defect 11: errors name the op that was called", () => {
  it("unknown dtypes", () => {
    expectOpError("zeros", () => ds.zeros([2], { dtype: bad("float16") }), /unknown dtype "float16"/);
    expectOpError("tensor", () => ds.tensor([1], { dtype: bad("toString") }), /unknown dtype "toString"/);
    expectOpError("randn", () => ds.randn([2], { dtype: bad("float16") }));
  });
  it("shapes too large to allocate", () => {
    expectOpError("zeros", () => ds.zeros([1e6, 1e6]), /\[1000000,1000000\]/);
    expectOpError("ones", () => ds.ones([2 ** 31]));
  });
  it("zeros, ones and the *Like forms say so (not full)", () => {
    expectOpError("zeros", () => ds.zeros([2, -1]));
    expectOpError("ones", () => ds.ones([2.5]));
    expectOpError("zerosLike", () => ds.zerosLike(bad([1, 2])));
  });
  it("crossEntropy and Embedding name themselves", () => {
    expectOpError("crossEntropy", () => ds.nn.functional.crossEntropy(ds.randn([2, 3]), ds.tensor([0, 5], { dtype: "int32" })), /out of bounds/);
    expectOpError("embedding", () => new ds.nn.Embedding(3, 2).forward(ds.tensor([5], { dtype: "int32" })), /out of range/);
    expectOpError("embedding", () => new ds.nn.Embedding(3, 2).forward(ds.tensor([-1], { dtype: "int32" })), /out of range/);
  });
});

describe("defect 12: divergences from PyTorch", () => {
  it("int32 values that overflow are refused; fractions truncate toward zero (as PyTorch)", () => {
    expectOpError("tensor", () => ds.tensor([1e10], { dtype: "int32" }), /overflow/);
    expectOpError("tensor", () => ds.tensor([NaN], { dtype: "int32" }), /overflow/);
    expectOpError("tensor", () => ds.tensor([2 ** 31], { dtype: "int32" }), /overflow/);
    expectOpError("tensor", () => ds.tensor(new Float64Array([1e10]), { dtype: "int32" }), /overflow/);
    expect(ds.tensor([-(2 ** 31), 1.9, -1.9], { dtype: "int32" }).toList()).toEqual([-(2 ** 31), 1, -1]);
    expect(ds.tensor(new Float64Array([2, 0, NaN]), { dtype: "bool" }).toList()).toEqual([1, 0, 1]);
  });
  it("negating a bool tensor is refused", () => {
    expectOpError("neg", () => ds.neg(ds.tensor([true, false])), /logicalNot/);
  });
  it("softmax of [∞, 0, 1] is all NaN (PyTorch 2.13: [nan, nan, nan])", () => {
    for (const backend of ["cpu", "wasm"] as const) {
      const s = ds.softmax(ds.tensor([Infinity, 0, 1]), 0).toList();
      expect(s.every(Number.isNaN), `${backend}: ${s}`).toBe(true);
    }
    expect(ds.softmax(ds.tensor([Infinity, 0, 1], { dtype: "float64" }), 0).toList().every(Number.isNaN)).toBe(true);
  });
  it("a disposed tensor prints as disposed, not its old values", () => {
    const t = ds.tensor([1, 2]);
    t.dispose();
    expect(t.toString()).toBe("tensor(<disposed>, shape=[2], dtype=float32)");
  });
  it("backward with an int32 gradient casts it to the output's dtype (PyTorch 2.13 accepts it too)", () => {
    const p = ds.tensor([1, 2], { requiresGrad: true });
    p.neg().backward(ds.tensor([1, 1], { dtype: "int32" }));
    expect(p.grad!.dtype).toBe("float32");
    expect(p.grad!.toList()).toEqual([-1, -1]);
  });
});

// ---- bad-argument tables: every integer-valued argument of every op family, every kind of bad value ----
const x23 = () => ds.arange(0, 6, 1, { dtype: "float32" }).reshape(2, 3);
const idx = () => ds.tensor([0, 1], { dtype: "int32" });
/** `hugeOk`: huge integers are valid there (Python-style slice bounds are clamped; one chunk of any size). */
type Row = [op: string, call: (v: never) => unknown, hugeOk?: "hugeOk"];
const integerArgs: Row[] = [
  // creation
  ["tensor", (v) => ds.tensor([1, 2], { shape: [v, 1] })],
  ["zeros", (v) => ds.zeros([2, v])],
  ["ones", (v) => ds.ones([v])],
  ["full", (v) => ds.full([v, 2], 1)],
  ["rand", (v) => ds.rand([v])],
  ["randn", (v) => ds.randn([1, v])],
  ["randint", (v) => ds.randint(0, 5, [v])],
  ["randint", (v) => ds.randint(v, 5, [2])],
  ["randperm", (v) => ds.randperm(v)],
  ["eye", (v) => ds.eye(v)],
  ["eye", (v) => ds.eye(2, v)],
  ["linspace", (v) => ds.linspace(0, 1, v)],
  // movement
  ["reshape", (v) => x23().reshape([v, 3])],
  ["view", (v) => x23().view([3, v])],
  ["expand", (v) => ds.ones([1, 3]).expand([v, 3])],
  ["slice", (v) => x23().slice(1, v, 2), "hugeOk"],
  ["slice", (v) => x23().slice(1, 0, v), "hugeOk"],
  ["slice", (v) => x23().slice(1, 0, 2, v), "hugeOk"],
  ["slice", (v) => x23().slice(v, 0, 2)],
  ["narrow", (v) => x23().narrow(1, v, 1)],
  ["narrow", (v) => x23().narrow(1, 0, v)],
  ["narrow", (v) => x23().narrow(v, 0, 1)],
  ["select", (v) => x23().select(0, v)],
  ["select", (v) => x23().select(v, 0)],
  ["squeeze", (v) => x23().squeeze(v)],
  ["unsqueeze", (v) => x23().unsqueeze(v)],
  ["permute", (v) => x23().permute([v, 0])],
  ["transpose", (v) => x23().transpose(v, 1)],
  ["flatten", (v) => x23().flatten(v)],
  ["split", (v) => x23().split(v, 1), "hugeOk"],
  ["split", (v) => x23().split([1, v], 1)],
  ["chunk", (v) => x23().chunk(v), "hugeOk"],
  ["repeat", (v) => x23().repeat(2, v)],
  ["pad", (v) => ds.pad(x23(), [v, 1])],
  ["cat", (v) => ds.cat([x23(), x23()], v)],
  ["stack", (v) => ds.stack([x23(), x23()], v)],
  ["flip", (v) => ds.flip(x23(), v)],
  // indexing
  ["indexSelect", (v) => ds.indexSelect(x23(), 1, [0, v])],
  ["indexSelect", (v) => ds.indexSelect(x23(), v, idx())],
  ["index", (v) => ds.index(x23(), [v])],
  ["indexAdd", (v) => ds.indexAdd(x23(), 0, [v], ds.ones([1, 3]))],
  ["gather", (v) => ds.gather(x23(), v, ds.zeros([2, 3], { dtype: "int32" }))],
  ["oneHot", (v) => ds.oneHot(idx(), v)],
  // reductions and softmax
  ["sum", (v) => x23().sum({ dim: v })],
  ["mean", (v) => x23().mean({ dim: [0, v] })],
  ["max", (v) => x23().max({ dim: v })],
  ["argmax", (v) => x23().argmax({ dim: v })],
  ["var", (v) => x23().var({ dim: v })],
  ["logsumexp", (v) => x23().logsumexp({ dim: v })],
  ["cumsum", (v) => x23().cumsum(v)],
  ["softmax", (v) => x23().softmax(v)],
  ["logSoftmax", (v) => x23().logSoftmax(v)],
];

describe("bad-argument table: integer arguments of every op family", () => {
  for (const [op, call, hugeOk] of integerArgs) {
    it(`${op}: ${call.toString().replace(/\s+/g, " ").slice(6, 70)}`, () => {
      for (const v of [...notIntegers, ...(hugeOk ? [] : hugeIntegers)]) {
        if (Array.isArray(v) && dimListOk.has(op)) continue; // a list of dims is valid there
        expectOpError(`${op}`, () => call(v as never));
      }
    });
  }
});

describe("bad-argument table: dtypes and non-numeric values", () => {
  const badDtypes: unknown[] = ["float16", "toString", "__proto__", "int64", 32, null];
  for (const [op, call] of [
    ["tensor", (d: never) => ds.tensor([1], { dtype: d })],
    ["zeros", (d: never) => ds.zeros([1], { dtype: d })],
    ["full", (d: never) => ds.full([1], 0, { dtype: d })],
    ["arange", (d: never) => ds.arange(3, undefined, 1, { dtype: d })],
    ["rand", (d: never) => ds.rand([1], { dtype: d })],
    ["randint", (d: never) => ds.randint(0, 2, [1], { dtype: d })],
  ] as Row[]) {
    it(`${op} refuses unknown dtypes`, () => {
      for (const d of badDtypes) {
        if (d === null) continue; // null means "default" for options objects read with ??
        expectOpError(op, () => call(d as never), /unknown dtype/);
      }
    });
  }
  it("tensor refuses non-numeric elements and unsupported typed arrays", () => {
    for (const v of ["1", null, undefined, {}, 1n, () => 1]) expectOpError("tensor", () => ds.tensor([1, v] as never), /expected a number or boolean/);
    expectOpError("tensor", () => ds.tensor(new Int16Array(2) as never), /unsupported typed array Int16Array/);
  });
  it("full refuses a non-numeric fill value", () => {
    for (const v of ["1", null, {}]) expectOpError("full", () => ds.full([2], v as never), /fill value/);
  });
  it("pad refuses an unknown mode", () => {
    expectOpError("pad", () => ds.pad(x23(), [1, 1], { mode: "wrap" as never }), /unknown mode/);
  });
});
