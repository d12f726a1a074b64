// WebGPU elementwise kernels vs the CPU reference: every unary and binary primitive, comparisons, where,
// casts and the contiguous copy, on odd sizes, broadcasting, strided views and empty tensors.
import * as ds from "../../../../src/index.js";
import type { BinaryPrim, ComparePrim, UnaryPrim } from "../../../../src/autograd/prims.js";
import { binary, binaryCrossEntropy, cast, compare, contiguous, gelu, geluBackward, logicalNot, reluBackward, unary, where } from "../../../../src/backend/webgpu/elementwise.js";
import { cpuBackend } from "../../../../src/backend/cpu/index.js";
import { toGPU, type Tolerance, type WebGPUCaseGroup } from "./check.js";

/**
 * float32 tolerance of each unary kernel against the CPU's float64-computed, float32-rounded values.
 * Exact ops are compared exactly; transcendental ones at a few float32 ulps (rtol 4e-6 ≈ 32 ulp covers
 * WGSL's exp/log bounds of 3 + 2|x| ulp on our inputs, |x| ≤ 4); sin/cos are our own (Cephes' sinf/cosf,
 * not WGSL's builtins, which promise only 2⁻¹¹ absolute on [−π, π]), held to 2⁻²² absolute (a few ulps of 1).
 */
const unaryTol: { [P in UnaryPrim]: Tolerance } = {
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
  sin: { atol: 2 ** -22, rtol: 0 },
  cos: { atol: 2 ** -22, rtol: 0 },
  tanh: { atol: 1e-6, rtol: 4e-6 },
  sigmoid: { atol: 1e-7, rtol: 4e-6 },
  erf: { atol: 4e-7, rtol: 4e-6 },
};
/** Inputs inside each function's domain: positive for log/sqrt, > −1 for log1p. */
const positive: UnaryPrim[] = ["log", "sqrt", "rsqrt"];

const unaryOf = (x: ds.Tensor, prim: UnaryPrim): ds.Tensor => (x as unknown as Record<UnaryPrim, () => ds.Tensor>)[prim].call(x);
const binaryOf = (x: ds.Tensor, prim: BinaryPrim, y: ds.Tensor): ds.Tensor => (x as unknown as Record<BinaryPrim, (o: ds.Tensor) => ds.Tensor>)[prim].call(x, y);

export const elementwiseCases: WebGPUCaseGroup = {
  title: "WebGPU elementwise kernels",
  cases: [
    {
      name: "every unary primitive agrees with the CPU on a strided (transposed, sliced) float32 view",
      async run(g, t) {
        ds.manualSeed(1);
        // (33, 9) viewed transposed and every other row: shape (9, 17), strides (1, 18), offset 9
        const base = ds.randn([33, 9]).mul(2);
        for (const prim of Object.keys(unaryTol) as UnaryPrim[]) {
          let src = base;
          if (positive.includes(prim)) src = base.abs().add(0.05);
          if (prim === "log1p") src = base.abs().sub(0.9).maximum(ds.tensor(-0.95));
          if (prim === "round") src = base.mul(2).round().div(2); // exact halves: ties go to even
          const view = src.slice(0, 1, 33, 2).transpose(0, 1);
          t.equal(view.isContiguous(), false, `${prim}: the view is strided`);
          await t.close(unary(g, prim, toGPU(g, view)), unaryOf(view, prim), unaryTol[prim], prim);
        }
      },
    },
    {
      name: "sin and cos keep float32 accuracy up to |x| = 8192, where WGSL's builtins promise nothing, and give NaN at NaN and ±∞",
      async run(g, t) {
        // every multiple of 0.37 in [−8192, 8192), near multiples of π/2 included; results within 2⁻²² (a few ulps of 1)
        const x = ds.cat([ds.arange(-8192, 8192, 0.37), ds.tensor([Math.PI, -Math.PI / 2, 1e-30, -0, 8192, NaN, Infinity, -Infinity])]);
        await t.close(unary(g, "sin", toGPU(g, x)), x.sin(), { atol: 2 ** -22, rtol: 0 }, "sin");
        await t.close(unary(g, "cos", toGPU(g, x)), x.cos(), { atol: 2 ** -22, rtol: 0 }, "cos");
      },
    },
    {
      name: "unary int32 kernels are exact, and float64 is refused naming the op and WGSL's lack of f64",
      async run(g, t) {
        const x = ds.tensor([-7, 0, 3, -2147483647, 5], { dtype: "int32" });
        for (const prim of ["neg", "abs", "sign", "relu"] as UnaryPrim[]) {
          await t.close(unary(g, prim, toGPU(g, x)), unaryOf(x, prim), undefined, `int32 ${prim}`);
        }
        const f64 = { ...toGPU(g, x), dtype: "float64" as const };
        t.throws(() => unary(g, "exp", f64), /^exp: float64 is not supported on WebGPU \(WGSL has no f64\)/, "float64 exp");
        t.throws(() => binary(g, "add", f64, f64), /^add: float64 .*WGSL has no f64/, "float64 add");
      },
    },
    {
      name: "binary primitives broadcast and read strided operands as the CPU does (odd sizes 1, 7, 33, 257)",
      async run(g, t) {
        ds.manualSeed(2);
        const tol: { [P in BinaryPrim]: Tolerance } = {
          add: { atol: 0, rtol: 0 }, sub: { atol: 0, rtol: 0 }, mul: { atol: 0, rtol: 0 },
          div: { atol: 0, rtol: 3e-7 }, maximum: { atol: 0, rtol: 0 }, minimum: { atol: 0, rtol: 0 },
          pow: { atol: 1e-6, rtol: 8e-6 },
        };
        const shapes: [number[], number[]][] = [[[1], [1]], [[7, 1], [1, 33]], [[257], [1]], [[3, 1, 7], [5, 1]], [[0, 4], [1, 4]]];
        for (const [sa, sb] of shapes) {
          const a = ds.randn(sa).mul(2), b = ds.randn(sb);
          for (const prim of Object.keys(tol) as BinaryPrim[]) {
            let x = a, y = b;
            if (prim === "pow") (x = a.abs().add(0.1)), (y = b.mul(2));
            if (prim === "div") y = b.abs().add(0.25);
            await t.close(binary(g, prim, toGPU(g, x), toGPU(g, y)), binaryOf(x, prim, y), tol[prim], `${prim} [${sa}] with [${sb}]`);
          }
        }
        // a permuted left operand against an expanded right one
        const p = ds.randn([4, 7, 5]).permute(2, 0, 1), q = ds.randn([7]).expand([4, 7]);
        await t.close(binary(g, "sub", toGPU(g, p), toGPU(g, q)), p.sub(q), undefined, "sub of a permuted and an expanded operand");
      },
    },
    {
      name: "pow with negative bases and integer exponents follows PyTorch (sign by parity, NaN otherwise)",
      async run(g, t) {
        const a = ds.tensor([-2, -2, -3, -1.5, 0, 0, 2]), b = ds.tensor([2, 3, -1, 0.5, 2, -1, 0]);
        await t.close(binary(g, "pow", toGPU(g, a), toGPU(g, b)), a.pow(b), { atol: 0, rtol: 1e-6 }, "float32 pow");
        const ai = ds.tensor([3, -2, 2, 1, -1, 5], { dtype: "int32" }), bi = ds.tensor([4, 3, -1, -5, -3, 0], { dtype: "int32" });
        await t.close(binary(g, "pow", toGPU(g, ai), toGPU(g, bi)), ai.pow(bi), undefined, "int32 pow");
      },
    },
    {
      name: "NaN propagates through maximum, minimum and relu as in PyTorch",
      async run(g, t) {
        const a = ds.tensor([NaN, 1, NaN, -2]), b = ds.tensor([0, NaN, NaN, 3]);
        await t.close(binary(g, "maximum", toGPU(g, a), toGPU(g, b)), a.maximum(b), undefined, "maximum");
        await t.close(binary(g, "minimum", toGPU(g, a), toGPU(g, b)), a.minimum(b), undefined, "minimum");
        await t.close(unary(g, "relu", toGPU(g, a)), a.relu(), undefined, "relu");
      },
    },
    {
      name: "binaryCrossEntropy matches the CPU primitive, saturating at 100 where x is 0 or 1",
      async run(g, t) {
        ds.manualSeed(14);
        const x = ds.cat([ds.rand([33]), ds.tensor([0, 1, 1e-45, 0.5])]), y = ds.cat([ds.rand([33]), ds.tensor([1, 0, 1, 0])]);
        const cpu = ds.nn.functional.binaryCrossEntropy(x, y, { reduction: "none" });
        await t.close(binaryCrossEntropy(g, toGPU(g, x), toGPU(g, y)), cpu, { atol: 1e-6, rtol: 4e-6 }, "binaryCrossEntropy");
      },
    },
    {
      name: "int32 add/sub/mul wrap around as on the CPU",
      async run(g, t) {
        const a = ds.tensor([2147483647, -5, 65536, 7], { dtype: "int32" }), b = ds.tensor([1, 3, 65536, -9], { dtype: "int32" });
        for (const prim of ["add", "sub", "mul", "maximum", "minimum"] as BinaryPrim[]) {
          await t.close(binary(g, prim, toGPU(g, a), toGPU(g, b)), binaryOf(a, prim, b), undefined, `int32 ${prim}`);
        }
      },
    },
    {
      name: "comparisons and logical ops give bool with broadcasting; logicalNot, where and reluBackward too",
      async run(g, t) {
        const a = ds.tensor([[0, 1, 2, 3, 2]]).expand([3, 5]), b = ds.tensor([[2], [0], [3]]);
        for (const prim of ["eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor"] as ComparePrim[]) {
          const cpu = (a as unknown as Record<ComparePrim, (o: ds.Tensor) => ds.Tensor>)[prim].call(a, b);
          await t.close(compare(g, prim, toGPU(g, a), toGPU(g, b)), cpu, undefined, prim);
        }
        const mask = a.gt(b);
        await t.close(logicalNot(g, toGPU(g, mask)), mask.logicalNot(), undefined, "logicalNot");
        ds.manualSeed(3);
        const x = ds.randn([3, 5]), y = ds.randn([5]);
        await t.close(where(g, toGPU(g, mask), toGPU(g, x), toGPU(g, y)), ds.where(mask, x, y), undefined, "where");
        const r = ds.randn([7, 33]).relu(), gr = ds.randn([7, 33]);
        const cpuRb = ds.where(r.gt(0), gr, ds.zeros([7, 33]));
        await t.close(reluBackward(g, toGPU(g, gr), toGPU(g, r)), cpuRb, undefined, "reluBackward");
      },
    },
    {
      name: "cast converts like the CPU (float → int32 truncates toward zero, → bool tests nonzero)",
      async run(g, t) {
        const x = ds.tensor([-2.7, -0.5, 0, 0.5, 3.9, 1e6]);
        await t.close(cast(g, toGPU(g, x), "int32"), x.to("int32"), undefined, "float32 → int32");
        await t.close(cast(g, toGPU(g, x), "bool"), x.to("bool"), undefined, "float32 → bool");
        const i = ds.tensor([-3, 0, 16777217], { dtype: "int32" });
        await t.close(cast(g, toGPU(g, i), "float32"), i.to("float32"), undefined, "int32 → float32");
      },
    },
    {
      name: "contiguous materializes permuted, sliced and expanded views; empty views dispatch nothing",
      async run(g, t) {
        ds.manualSeed(4);
        const x = ds.randn([5, 6, 7]);
        const views: [string, ds.Tensor][] = [
          ["permuted", x.permute(2, 0, 1)], ["sliced with a step", x.slice(1, 1, 6, 2)],
          ["expanded", x.slice(0, 0, 1).expand([4, 6, 7])], ["transposed and sliced", x.transpose(0, 2).slice(0, 2, 7, 3)],
        ];
        for (const [label, view] of views) await t.close(contiguous(g, toGPU(g, view)), view.contiguous(), undefined, label);
        const before = g.stats.dispatches;
        const empty = contiguous(g, toGPU(g, x.slice(1, 3, 3)));
        t.equal(empty.shape, [5, 0, 7], "empty view's shape");
        t.equal(g.stats.dispatches, before, "dispatches for an empty view");
      },
    },
    {
      // ½x(1 + erf(x/√2)) cancels for x < 0 in float32: a few ulps of ½|x| (|x| ≤ ~12 here)
      name: "gelu and geluBackward on a strided input equal the CPU kernels",
      async run(g, t) {
        ds.manualSeed(72);
        const x = ds.randn([40, 33]).mul(3).t(), dy = ds.randn([33, 40]), xc = x.contiguous();
        const tol = { atol: 2e-6, rtol: 1e-5 };
        await t.close(gelu(g, toGPU(g, x)), cpuBackend.gelu([x], {}) as ds.Tensor, tol, "gelu");
        await t.close(geluBackward(g, toGPU(g, dy), toGPU(g, xc)), cpuBackend.geluBackward([dy, xc], {}) as ds.Tensor, tol, "geluBackward");
      },
    },
  ],
};
