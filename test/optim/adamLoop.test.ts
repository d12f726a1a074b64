// Adam's and AdamW's in-place float32 loop (small parameters, or no fused kernel) against their tensor-op form, bit for bit.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { adamUpdate, type AdamHyper, type AdamState } from "../../src/optim/Adam.js";
import { adamwUpdate } from "../../src/optim/AdamW.js";

type Opt = "Adam" | "AdamW";

/** `steps` optimizer steps on p ← randn(shape) with loss Σ (p − target)²·w: the parameter and its moments. */
function viaOptimizer(which: Opt, shape: number[], options: Partial<AdamHyper>, steps: number): Float32Array[] {
  const gen = new ds.Generator(21);
  const p = ds.randn(shape, { generator: gen }).requiresGrad_();
  const target = ds.randn(shape, { generator: gen }), w = ds.rand(shape, { generator: gen });
  const opt = new ds.optim[which]([p], { lr: 0.05, ...options });
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    p.sub(target).pow(2).mul(w).sum().backward();
    opt.step();
  }
  const st = opt.state.get(p)!;
  const out = [p.dataSync() as Float32Array, st.expAvg.dataSync() as Float32Array, st.expAvgSq.dataSync() as Float32Array];
  if (st.maxExpAvgSq) out.push(st.maxExpAvgSq.dataSync() as Float32Array);
  return out;
}

/** The same steps through the pure tensor-op update rules (adamUpdate / adamwUpdate). */
function viaTensorOps(which: Opt, shape: number[], options: Partial<AdamHyper>, steps: number): Float32Array[] {
  const gen = new ds.Generator(21);
  let p = ds.randn(shape, { generator: gen });
  const target = ds.randn(shape, { generator: gen }), w = ds.rand(shape, { generator: gen });
  const defaults: AdamHyper = { lr: 0.05, betas: [0.9, 0.999], eps: 1e-8, weightDecay: which === "AdamW" ? 1e-2 : 0, amsgrad: false, maximize: false };
  const h = { ...defaults, ...options };
  let state: AdamState | undefined;
  for (let i = 0; i < steps; i++) {
    const leaf = p.detach().requiresGrad_();
    leaf.sub(target).pow(2).mul(w).sum().backward();
    const g = leaf.grad!.detach();
    const next = ds.noGrad(() => (which === "Adam" ? adamUpdate : adamwUpdate)(p, g, state, h));
    p = next.param;
    state = next.state;
  }
  const out = [p.dataSync() as Float32Array, state!.expAvg.dataSync() as Float32Array, state!.expAvgSq.dataSync() as Float32Array];
  if (state!.maxExpAvgSq) out.push(state!.maxExpAvgSq.dataSync() as Float32Array);
  return out;
}

describe("Adam's float32 loop", () => {
  const configs: [Opt, number[], Partial<AdamHyper>][] = [
    ["Adam", [64, 4], {}],
    ["Adam", [64], { betas: [0.8, 0.99], eps: 1e-6 }],
    ["Adam", [2, 64], { weightDecay: 0.1 }],
    ["Adam", [3, 5], { amsgrad: true }],
    ["Adam", [7], { maximize: true }],
    ["Adam", [40, 50], { maximize: true, weightDecay: 0.01 }], // maximize: the loop even above the fused kernel's size
    ["AdamW", [64, 4], {}],
    ["AdamW", [33], { weightDecay: 0.3, amsgrad: true }],
  ];
  for (const [which, shape, options] of configs) {
    it(`${which} ${JSON.stringify(options)} on [${shape}] equals the tensor-op form bit for bit over 5 steps`, () => {
      const fast = viaOptimizer(which, shape, options, 5), ref = viaTensorOps(which, shape, options, 5);
      expect(fast.length).toBe(ref.length);
      for (let k = 0; k < ref.length; k++) expect(Array.from(fast[k]!)).toEqual(Array.from(ref[k]!));
    });
  }
});
