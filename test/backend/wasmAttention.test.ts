// The WASM backend's fused attention (GEMMs and the masked row softmax in the kernels' memory) agrees
// with the CPU reference kernels (online softmax, float64 accumulation) in float32: outputs, logsumexp
// and every gradient, with additive and broadcast masks, causal masking, fully masked rows and strided views.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { cpuBackend } from "../../src/backend/cpu/index.js";
import { wasmOverrides } from "../../src/backend/wasmBackend.js";
import { initWasmKernels } from "../../src/backend/wasm/index.js";
import type { Tensor } from "../../src/index.js";

const wasm = wasmOverrides(await initWasmKernels());
const gen = new ds.Generator(16);
const randn = (shape: number[]) => ds.randn(shape, { generator: gen });

/**
 * Each value is a sum of at most K float32 products, so |error| ≤ γ_K Σ|terms| with γ_K ≈ K·2⁻²⁴
 * (Higham, eq. 3.5); with the softmax's exp (≤ 2 ulp) in front, we bound by 8·K·2⁻²³·max(1, max|reference|).
 * NaN must be NaN in both.
 */
function expectClose(got: Tensor, want: Tensor, K: number): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe("float32");
  const g = got.dataSync(), w = want.dataSync();
  let big = 1;
  for (const x of w) if (Number.isFinite(x)) big = Math.max(big, Math.abs(x));
  let worst = 0;
  for (let i = 0; i < w.length; i++) {
    if (Number.isNaN(w[i]!)) expect(Number.isNaN(g[i]!), `element ${i}: ${g[i]} where the reference is NaN`).toBe(true);
    else if (!Number.isFinite(w[i]!)) expect(g[i], `element ${i}`).toBe(w[i]);
    else if (Number.isNaN(g[i]!)) throw new Error(`element ${i} of ${want.shape}: NaN where the reference is ${w[i]}`);
    else worst = Math.max(worst, Math.abs(g[i]! - w[i]!));
  }
  expect(worst).toBeLessThanOrEqual(8 * K * 2 ** -23 * big);
}

interface Case {
  name: string;
  B: number;
  L: number;
  S: number;
  E: number;
  Ev: number;
  isCausal?: boolean;
  mask?: (B: number, L: number, S: number) => Tensor;
  transposedQ?: boolean;
}

/** A (L, S) float mask with −∞ above the diagonal and random values elsewhere, broadcast over the batch (stride 0). */
const broadcastCausal = (B: number, L: number, S: number): Tensor => {
  const m = randn([L, S]).mul(0.5).dataSync().slice() as Float32Array;
  for (let i = 0; i < L; i++) for (let j = i + 1; j < S; j++) m[i * S + j] = -Infinity;
  return ds.tensor(m, { shape: [L, S] }).unsqueeze(0).expand([B, L, S]);
};

/** A dense (B, L, S) random mask whose row 1 of batch 0 is −∞ throughout (that row attends nothing: NaN). */
const withDeadRow = (B: number, L: number, S: number): Tensor => {
  const m = randn([B, L, S]).dataSync().slice() as Float32Array;
  for (let j = 0; j < S; j++) m[1 * S + j] = -Infinity;
  return ds.tensor(m, { shape: [B, L, S] });
};

const cases: Case[] = [
  { name: "no mask, odd sizes", B: 3, L: 17, S: 33, E: 9, Ev: 6 },
  { name: "causal", B: 2, L: 19, S: 19, E: 8, Ev: 8, isCausal: true },
  { name: "causal with more keys than queries", B: 4, L: 9, S: 21, E: 7, Ev: 5, isCausal: true },
  { name: "a broadcast float causal mask (W5's)", B: 8, L: 64, S: 64, E: 32, Ev: 32, mask: broadcastCausal },
  { name: "a dense mask with a fully masked row", B: 2, L: 12, S: 35, E: 7, Ev: 3, mask: withDeadRow },
  { name: "a transposed (strided) query", B: 2, L: 10, S: 21, E: 12, Ev: 4, transposedQ: true },
];

describe("WASM fused attention agrees with the CPU reference", () => {
  for (const c of cases) {
    it(`${c.name}: B ${c.B} L ${c.L} S ${c.S} E ${c.E} Ev ${c.Ev} — out, lse and dq, dk, dv, dmask`, () => {
      const { B, L, S, E, Ev } = c;
      const q = c.transposedQ ? randn([B, E, L]).transpose(1, 2) : randn([B, L, E]);
      const k = randn([B, S, E]), v = randn([B, S, Ev]);
      const mask = c.mask?.(B, L, S);
      const inputs = mask ? [q, k, v, mask] : [q, k, v];
      const params = { scale: 1 / Math.sqrt(E), isCausal: c.isCausal ?? false };
      const [out, lse] = wasm.scaledDotProductAttention!(inputs, params) as Tensor[];
      const [refOut, refLse] = cpuBackend.scaledDotProductAttention(inputs, params) as Tensor[];
      expectClose(out!, refOut!, S + E);
      expectClose(lse!, refLse!, S + E);

      const gOut = randn([B, L, Ev]), gLse = randn([B, L]).mul(0.1);
      const back = [q, k, v, refOut!, refLse!, gOut, gLse, ...(mask ? [mask] : [])];
      const bparams = { ...params, maskGrad: mask !== undefined };
      const got = wasm.scaledDotProductAttentionBackward!(back, bparams) as Tensor[];
      const want = cpuBackend.scaledDotProductAttentionBackward(back, bparams) as Tensor[];
      expect(got.length).toBe(mask ? 4 : 3);
      for (let i = 0; i < want.length; i++) expectClose(got[i]!, want[i]!, 2 * (S + L + E + Ev));
    });
  }
});

describe("WASM fused attention over (N, H, ·, ·) heads agrees with the CPU reference", () => {
  // Heads split from the features by a transpose, as MultiheadAttention makes them: (N, L, H, E) memory seen as (N, H, L, E).
  const heads = (N: number, len: number, H: number, E: number) => randn([N, len, H, E]).transpose(1, 2);
  const cases4 = [
    { name: "a broadcast causal float mask (1, 1, L, S)", N: 3, H: 4, L: 16, S: 16, E: 8, Ev: 8, mask: "broadcast" },
    { name: "a dense (N, H, L, S) mask, more keys than queries, causal", N: 2, H: 3, L: 9, S: 21, E: 7, Ev: 5, mask: "dense", isCausal: true },
    { name: "no mask, contiguous (N, H, L, E) operands", N: 2, H: 2, L: 13, S: 11, E: 9, Ev: 6, mask: "none", contiguous: true },
  ] as const;
  for (const c of cases4) {
    it(`${c.name}: N ${c.N} H ${c.H} L ${c.L} S ${c.S} — out, lse, dq, dk, dv, dmask, and the heads' memory order kept`, () => {
      const { N, H, L, S, E, Ev } = c;
      const contiguous = "contiguous" in c;
      const q = contiguous ? randn([N, H, L, E]) : heads(N, L, H, E);
      const k = contiguous ? randn([N, H, S, E]) : heads(N, S, H, E);
      const v = contiguous ? randn([N, H, S, Ev]) : heads(N, S, H, Ev);
      const mask = c.mask === "broadcast" ? broadcastCausal(1, L, S).unsqueeze(0).expand([N, H, L, S]) : c.mask === "dense" ? randn([N, H, L, S]) : undefined;
      const inputs = mask ? [q, k, v, mask] : [q, k, v];
      const params = { scale: 1 / Math.sqrt(E), isCausal: "isCausal" in c };
      const [out, lse] = wasm.scaledDotProductAttention!(inputs, params) as Tensor[];
      const [refOut, refLse] = cpuBackend.scaledDotProductAttention(inputs, params) as Tensor[];
      expectClose(out!, refOut!, S + E);
      expectClose(lse!, refLse!, S + E);
      // the output follows q's memory order: for split heads, merging them back is a view
      expect(out!.transpose(1, 2).isContiguous()).toBe(!contiguous);

      const gOut = heads(N, L, H, Ev), gLse = randn([N, H, L]).mul(0.1);
      const back = [q, k, v, out!, lse!, gOut, gLse, ...(mask ? [mask] : [])];
      const bparams = { ...params, maskGrad: mask !== undefined };
      const got = wasm.scaledDotProductAttentionBackward!(back, bparams) as Tensor[];
      const want = cpuBackend.scaledDotProductAttentionBackward(back, bparams) as Tensor[];
      expect(got.length).toBe(mask ? 4 : 3);
      for (let i = 0; i < want.length; i++) expectClose(got[i]!, want[i]!, 2 * (S + L + E + Ev));
      for (let i = 0; i < 3; i++) expect(got[i]!.transpose(1, 2).isContiguous()).toBe(!contiguous);
    });
  }
});
