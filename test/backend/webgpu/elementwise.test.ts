// WebGPU elementwise kernels agree with the CPU reference: every unary and binary primitive, comparisons,
// where, casts and the contiguous copy, on odd sizes, broadcasting, strided views and empty tensors.
import { afterAll, describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import type { BinaryPrim, ComparePrim, UnaryPrim } from "../../../src/autograd/prims.js";
import { binary, binaryCrossEntropy, cast, compare, contiguous, logicalNot, reluBackward, unary, where } from "../../../src/backend/webgpu/elementwise.js";
import { expectClose, probeWebGPU, toGPU } from "./gpu.js";

const { gpu, reason } = await probeWebGPU();

/**
 * float32 tolerance of each unary kernel against the CPU's float64-computed, float32-rounded values.
 * Exact ops are compared exactly; transcendental ones at a few float32 ulps (rtol 4e-6 ≈ 32 ulp covers
 * WGSL's exp/log bounds of 3 + 2|x| ulp on our inputs, |x| ≤ 4); sin/cos at WGSL's absolute bound 2⁻¹¹
 * on [−π, π] is far looser than lavapipe, so we hold them to 2e-6 absolute (measured, not promised by WGSL).
 */
const unaryTol: { [P in UnaryPrim]: { atol: number; rtol: number } } = {
  neg: { atol: 0, rtol: 0 },
  abs: { atol: 0, rtol: 0 },
  relu: { atol: 0, rtol: 0 },
  sign: { atol: 0, rtol: 0 },
  floor: { atol: 0, rtol: 0 },
  ceil: { atol: 0, rtol: 0 },
  round: { atol: 0, rtol: 0 },
  sqrt: { atol: 0, rtol: 2e-7 },
  rsqrt: { atol: 0, rtol: 4e-7 },
  exp: { atol: 0, rtol: 4e-6 },
  expm1: { atol: 1e-7, rtol: 4e-6 },
  log: { atol: 2e-7, rtol: 4e-6 },
  log1p: { atol: 1e-7, rtol: 4e-6 },
  sin: { atol: 2e-6, rtol: 0 },
  cos: { atol: 2e-6, rtol: 0 },
  tanh: { atol: 1e-6, rtol: 4e-6 },
  sigmoid: { atol: 1e-7, rtol: 4e-6 },
  erf: { atol: 4e-7, rtol: 4e-6 },
};
/** Inputs inside each function's domain: positive for log/sqrt, > −1 for log1p. */
const positive: UnaryPrim[] = ["log", "sqrt", "rsqrt"];

describe.skipIf(gpu === null)(`WebGPU elementwise kernels (${reason})`, () => {
  const g = gpu!;
  afterAll(() => g.destroy());

  it("every unary primitive agrees with the CPU on a strided (transposed, sliced) float32 view", async () => {
    ds.manualSeed(1);
    // (33, 9) viewed transposed and every other row: shape (9, 17), strides (1, 18), offset 9
    const base = ds.randn([33, 9]).mul(2);
    for (const prim of Object.keys(unaryTol) as UnaryPrim[]) {
      let src = base;
      if (positive.includes(prim)) src = base.abs().add(0.05);
      if (prim === "log1p") src = base.abs().sub(0.9).maximum(ds.tensor(-0.95));
      if (prim === "round") src = base.mul(2).round().div(2); // exact halves: ties go to even
      const view = src.slice(0, 1, 33, 2).transpose(0, 1);
      expect(view.isContiguous()).toBe(false);
      const cpu = (view as unknown as Record<UnaryPrim, () => ds.Tensor>)[prim].call(view);
      await expectClose(g, unary(g, prim, toGPU(g, view)), cpu, unaryTol[prim]);
    }
  });

  it("unary int32 kernels are exact, and float64 is refused naming the op and WGSL's lack of f64", async () => {
    const x = ds.tensor([-7, 0, 3, -2147483647, 5], { dtype: "int32" });
    for (const prim of ["neg", "abs", "sign", "relu"] as UnaryPrim[]) {
      await expectClose(g, unary(g, prim, toGPU(g, x)), (x as unknown as Record<UnaryPrim, () => ds.Tensor>)[prim].call(x));
    }
    const f64 = { ...toGPU(g, x), dtype: "float64" as const };
    expect(() => unary(g, "exp", f64)).toThrow(/^exp: float64 is not supported on WebGPU \(WGSL has no f64\)/);
    expect(() => binary(g, "add", f64, f64)).toThrow(/^add: float64 .*WGSL has no f64/);
  });

  it("binary primitives broadcast and read strided operands as the CPU does (odd sizes 1, 7, 33, 257)", async () => {
    ds.manualSeed(2);
    const tol: { [P in BinaryPrim]: { atol: number; rtol: number } } = {
      add: { atol: 0, rtol: 0 }, sub: { atol: 0, rtol: 0 }, mul: { atol: 0, rtol: 0 },
      div: { atol: 0, rtol: 3e-7 }, maximum: { atol: 0, rtol: 0 }, minimum: { atol: 0, rtol: 0 },
      pow: { atol: 1e-6, rtol: 8e-6 },
    };
    const cases: [number[], number[]][] = [[[1], [1]], [[7, 1], [1, 33]], [[257], [1]], [[3, 1, 7], [5, 1]], [[0, 4], [1, 4]]];
    for (const [sa, sb] of cases) {
      const a = ds.randn(sa).mul(2), b = ds.randn(sb);
      for (const prim of Object.keys(tol) as BinaryPrim[]) {
        let x = a, y = b;
        if (prim === "pow") (x = a.abs().add(0.1)), (y = b.mul(2));
        if (prim === "div") y = b.abs().add(0.25);
        const cpu = (x as unknown as Record<BinaryPrim, (o: ds.Tensor) => ds.Tensor>)[prim].call(x, y);
        await expectClose(g, binary(g, prim, toGPU(g, x), toGPU(g, y)), cpu, tol[prim]);
      }
    }
    // a permuted left operand against an expanded right one
    const p = ds.randn([4, 7, 5]).permute(2, 0, 1), q = ds.randn([7]).expand([4, 7]);
    await expectClose(g, binary(g, "sub", toGPU(g, p), toGPU(g, q)), p.sub(q));
  });

  it("pow with negative bases and integer exponents follows PyTorch (sign by parity, NaN otherwise)", async () => {
    const a = ds.tensor([-2, -2, -3, -1.5, 0, 0, 2]), b = ds.tensor([2, 3, -1, 0.5, 2, -1, 0]);
    await expectClose(g, binary(g, "pow", toGPU(g, a), toGPU(g, b)), a.pow(b), { atol: 0, rtol: 1e-6 });
    const ai = ds.tensor([3, -2, 2, 1, -1, 5], { dtype: "int32" }), bi = ds.tensor([4, 3, -1, -5, -3, 0], { dtype: "int32" });
    await expectClose(g, binary(g, "pow", toGPU(g, ai), toGPU(g, bi)), ai.pow(bi));
  });

  it("NaN propagates through maximum, minimum and relu as in PyTorch", async () => {
    const a = ds.tensor([NaN, 1, NaN, -2]), b = ds.tensor([0, NaN, NaN, 3]);
    await expectClose(g, binary(g, "maximum", toGPU(g, a), toGPU(g, b)), a.maximum(b));
    await expectClose(g, binary(g, "minimum", toGPU(g, a), toGPU(g, b)), a.minimum(b));
    await expectClose(g, unary(g, "relu", toGPU(g, a)), a.relu());
  });

  it("binaryCrossEntropy matches the CPU primitive, saturating at 100 where x is 0 or 1", async () => {
    ds.manualSeed(14);
    const x = ds.cat([ds.rand([33]), ds.tensor([0, 1, 1e-45, 0.5])]), y = ds.cat([ds.rand([33]), ds.tensor([1, 0, 1, 0])]);
    const cpu = ds.nn.functional.binaryCrossEntropy(x, y, { reduction: "none" });
    await expectClose(g, binaryCrossEntropy(g, toGPU(g, x), toGPU(g, y)), cpu, { atol: 1e-6, rtol: 4e-6 });
  });

  it("int32 add/sub/mul wrap around as on the CPU", async () => {
    const a = ds.tensor([2147483647, -5, 65536, 7], { dtype: "int32" }), b = ds.tensor([1, 3, 65536, -9], { dtype: "int32" });
    for (const prim of ["add", "sub", "mul", "maximum", "minimum"] as BinaryPrim[]) {
      await expectClose(g, binary(g, prim, toGPU(g, a), toGPU(g, b)), (a as unknown as Record<BinaryPrim, (o: ds.Tensor) => ds.Tensor>)[prim].call(a, b));
    }
  });

  it("comparisons and logical ops give bool with broadcasting; logicalNot, where and reluBackward too", async () => {
    const a = ds.tensor([[0, 1, 2, 3, 2]]).expand([3, 5]), b = ds.tensor([[2], [0], [3]]);
    for (const prim of ["eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor"] as ComparePrim[]) {
      await expectClose(g, compare(g, prim, toGPU(g, a), toGPU(g, b)), (a as unknown as Record<ComparePrim, (o: ds.Tensor) => ds.Tensor>)[prim].call(a, b));
    }
    const mask = a.gt(b);
    await expectClose(g, logicalNot(g, toGPU(g, mask)), mask.logicalNot());
    ds.manualSeed(3);
    const x = ds.randn([3, 5]), y = ds.randn([5]);
    await expectClose(g, where(g, toGPU(g, mask), toGPU(g, x), toGPU(g, y)), ds.where(mask, x, y));
    const r = ds.randn([7, 33]).relu(), gr = ds.randn([7, 33]);
    const cpuRb = ds.where(r.gt(0), gr, ds.zeros([7, 33]));
    await expectClose(g, reluBackward(g, toGPU(g, gr), toGPU(g, r)), cpuRb);
  });

  it("cast converts like the CPU (float → int32 truncates toward zero, → bool tests nonzero)", async () => {
    const x = ds.tensor([-2.7, -0.5, 0, 0.5, 3.9, 1e6]);
    await expectClose(g, cast(g, toGPU(g, x), "int32"), x.to("int32"));
    await expectClose(g, cast(g, toGPU(g, x), "bool"), x.to("bool"));
    const i = ds.tensor([-3, 0, 16777217], { dtype: "int32" });
    await expectClose(g, cast(g, toGPU(g, i), "float32"), i.to("float32"));
  });

  it("contiguous materializes permuted, sliced and expanded views; empty views dispatch nothing", async () => {
    ds.manualSeed(4);
    const x = ds.randn([5, 6, 7]);
    for (const view of [x.permute(2, 0, 1), x.slice(1, 1, 6, 2), x.slice(0, 0, 1).expand([4, 6, 7]), x.transpose(0, 2).slice(0, 2, 7, 3)]) {
      await expectClose(g, contiguous(g, toGPU(g, view)), view.contiguous());
    }
    const before = g.stats.dispatches;
    const empty = contiguous(g, toGPU(g, x.slice(1, 3, 3)));
    expect(empty.shape).toEqual([5, 0, 7]);
    expect(g.stats.dispatches).toBe(before);
  });
});
