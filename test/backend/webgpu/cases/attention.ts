// WebGPU scaled dot-product attention and its gradient vs the CPU reference kernels: odd sizes (L ≠ S, rows
// longer than a workgroup), additive float masks (broadcast over the batch by a zero stride, −∞ entries, a
// fully masked row), the top-left causal mask, strided q/k/v, and the mask's gradient.
import * as ds from "../../../../src/index.js";
import { cpuBackend } from "../../../../src/backend/cpu/index.js";
import { scaledDotProductAttention, scaledDotProductAttentionBackward } from "../../../../src/backend/webgpu/attention.js";
import { toGPU, type WebGPUCaseGroup } from "./check.js";

/**
 * float32 tolerance: scores are E-term dot products, weights a softmax over S keys, outputs S-term
 * weighted sums; with standard normals and E, S ≤ 70 the float32 error stays within a few 1e-6 of the
 * CPU's float64 computation, gradients (three chained products) within ~1e-5 relative.
 */
const fwdTol = { atol: 1e-5, rtol: 1e-5 };
const bwdTol = { atol: 5e-5, rtol: 1e-4 };

interface Geometry {
  B: number;
  L: number;
  S: number;
  E: number;
  Ev: number;
  causal: boolean;
  mask: "none" | "full" | "broadcast";
}

const geometries: Geometry[] = [
  { B: 2, L: 7, S: 9, E: 5, Ev: 3, causal: false, mask: "none" },
  { B: 3, L: 9, S: 7, E: 4, Ev: 6, causal: true, mask: "none" },
  { B: 2, L: 5, S: 70, E: 8, Ev: 33, causal: false, mask: "full" },
  { B: 2, L: 6, S: 6, E: 3, Ev: 4, causal: true, mask: "broadcast" },
];

const label = (c: Geometry): string => `B ${c.B}, L ${c.L}, S ${c.S}, E ${c.E}, Ev ${c.Ev}${c.causal ? ", causal" : ""}, mask ${c.mask}`;

function maskOf(c: Geometry): ds.Tensor | undefined {
  if (c.mask === "none") return undefined;
  if (c.mask === "full") return ds.randn([c.B, c.L, c.S]);
  // one (L, S) mask for every batch, with −∞ entries (but no fully masked row)
  const m = ds.randn([1, c.L, c.S]).mul(0.5);
  const blocked = ds.tensor(Array.from({ length: c.L * c.S }, (_, t) => (t % c.S === (t / c.S | 0) % c.S + 1 ? -Infinity : 0))).reshape([1, c.L, c.S]);
  return m.add(blocked).expand([c.B, c.L, c.S]);
}

export const attentionCases: WebGPUCaseGroup = {
  title: "WebGPU attention",
  cases: [
    {
      name: "forward: out and lse, with and without masks, causal, odd sizes",
      async run(g, t) {
        ds.manualSeed(81);
        for (const c of geometries) {
          const q = ds.randn([c.B, c.L, c.E]), k = ds.randn([c.B, c.S, c.E]), v = ds.randn([c.B, c.S, c.Ev]);
          const mask = maskOf(c);
          const p = { scale: 1 / Math.sqrt(c.E), isCausal: c.causal };
          const ins = mask ? [q, k, v, mask] : [q, k, v];
          const [out, lse] = scaledDotProductAttention(g, ins.map((x) => toGPU(g, x)), p);
          const [co, cl] = cpuBackend.scaledDotProductAttention(ins, p) as [ds.Tensor, ds.Tensor];
          await t.close(out!, co, fwdTol, `out, ${label(c)}`);
          await t.close(lse!, cl, fwdTol, `lse, ${label(c)}`);
        }
      },
    },
    {
      name: "backward: dq, dk, dv and the mask's gradient match the CPU's",
      async run(g, t) {
        ds.manualSeed(82);
        for (const c of geometries) {
          const q = ds.randn([c.B, c.L, c.E]), k = ds.randn([c.B, c.S, c.E]), v = ds.randn([c.B, c.S, c.Ev]);
          const mask = maskOf(c);
          const fp = { scale: 0.7, isCausal: c.causal };
          const ins = mask ? [q, k, v, mask] : [q, k, v];
          const [co, cl] = cpuBackend.scaledDotProductAttention(ins, fp) as [ds.Tensor, ds.Tensor];
          const gOut = ds.randn([c.B, c.L, c.Ev]), gLse = ds.randn([c.B, c.L]);
          const bp = { ...fp, maskGrad: mask !== undefined };
          const bins = mask ? [q, k, v, co, cl, gOut, gLse, mask] : [q, k, v, co, cl, gOut, gLse];
          const got = scaledDotProductAttentionBackward(g, bins.map((x) => toGPU(g, x)), bp);
          const want = cpuBackend.scaledDotProductAttentionBackward(bins, bp) as ds.Tensor[];
          t.equal(got.length, want.length, `number of gradients, ${label(c)}`);
          for (let i = 0; i < want.length; i++) await t.close(got[i]!, want[i]!, bwdTol, `${["dq", "dk", "dv", "dmask"][i]}, ${label(c)}`);
        }
      },
    },
    {
      name: "strided q, k and v (heads split by a permute) and a fully masked row (NaN out, −∞ lse)",
      async run(g, t) {
        ds.manualSeed(83);
        const q = ds.randn([7, 2, 5]).permute(1, 0, 2), k = ds.randn([5, 9, 2]).permute(2, 1, 0), v = ds.randn([2, 4, 9]).transpose(1, 2);
        const mask = ds.zeros([2, 7, 9]).clone();
        mask.storage.data.fill(-Infinity, 2 * 9, 3 * 9); // batch 0, row 2: every key masked
        const p = { scale: 0.5, isCausal: false };
        const [out, lse] = scaledDotProductAttention(g, [q, k, v, mask].map((x) => toGPU(g, x)), p);
        const [co, cl] = cpuBackend.scaledDotProductAttention([q, k, v, mask], p) as [ds.Tensor, ds.Tensor];
        await t.close(out!, co, fwdTol, "out");
        await t.close(lse!, cl, fwdTol, "lse");
        // the gradient through strided operands (without the dead row, whose gradient is NaN on the CPU)
        const [cp, cl2] = cpuBackend.scaledDotProductAttention([q, k, v], p) as [ds.Tensor, ds.Tensor];
        const gOut = ds.randn([4, 7, 2]).permute(2, 1, 0); // strided
        const bins = [q, k, v, cp, cl2, gOut, ds.zeros([2, 7])];
        const bp = { ...p, maskGrad: false };
        const got = scaledDotProductAttentionBackward(g, bins.map((x) => toGPU(g, x)), bp);
        const want = cpuBackend.scaledDotProductAttentionBackward(bins, bp) as ds.Tensor[];
        for (let i = 0; i < 3; i++) await t.close(got[i]!, want[i]!, bwdTol, ["dq", "dk", "dv"][i]);
      },
    },
    {
      name: "(N, H, ·, ·) heads split from the features by a transpose, a mask broadcast over both batch dims",
      async run(g, t) {
        ds.manualSeed(84);
        const [N, H, L, S, E] = [2, 3, 5, 6, 4];
        const q = ds.randn([N, L, H, E]).transpose(1, 2), k = ds.randn([N, S, H, E]).transpose(1, 2), v = ds.randn([N, S, H, E]).transpose(1, 2);
        const mask = ds.randn([1, 1, L, S]).expand([N, H, L, S]);
        const p = { scale: 0.6, isCausal: true };
        const [out, lse] = scaledDotProductAttention(g, [q, k, v, mask].map((x) => toGPU(g, x)), p);
        const [co, cl] = cpuBackend.scaledDotProductAttention([q, k, v, mask], p) as [ds.Tensor, ds.Tensor];
        t.equal(out!.shape, [N, H, L, E], "out's shape");
        await t.close(out!, co, fwdTol, "out");
        await t.close(lse!, cl, fwdTol, "lse");
        const gOut = ds.randn([N, L, H, E]).transpose(1, 2), gLse = ds.randn([N, H, L]);
        const bins = [q, k, v, co, cl, gOut, gLse, mask];
        const bp = { ...p, maskGrad: true };
        const got = scaledDotProductAttentionBackward(g, bins.map((x) => toGPU(g, x)), bp);
        const want = cpuBackend.scaledDotProductAttentionBackward(bins, bp) as ds.Tensor[];
        t.equal(got.length, 4, "number of gradients");
        for (let i = 0; i < 4; i++) await t.close(got[i]!, want[i]!, bwdTol, ["dq", "dk", "dv", "dmask"][i]);
      },
    },
  ],
};
