// Attention and Transformer layers against PyTorch 2.x (test/fixtures/attention/make_attention_fixture.py):
// outputs, attention weights and the gradients of every input and parameter, float64 at 1e-10.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { nn } from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { fromJson, maxRelErr, type TensorJson } from "./fixture.js";

const dir = new URL("../fixtures/attention/", import.meta.url);
const ref = JSON.parse(readFileSync(new URL("attention_reference.json", dir), "utf8")) as {
  sdpa: { name: string; options: { isCausal: boolean; scale: number | null }; inputs: Record<string, TensorJson>; output: TensorJson; gradOutput: TensorJson; grads: Record<string, TensorJson> }[];
  mha: {
    name: string; ctor: { embedDim: number; numHeads: number; options: Record<string, unknown> }; forward: Record<string, unknown>;
    masks: Record<string, TensorJson>; selfAttention: boolean; state: Record<string, TensorJson>; inputs: Record<string, TensorJson>;
    output: TensorJson; gradOutput: TensorJson; weights: TensorJson | null; gradWeights: TensorJson | null;
    grads: Record<string, TensorJson>; gradParams: Record<string, TensorJson>;
  }[];
  mhaSafetensors: { input: TensorJson; output: TensorJson; weights: TensorJson; keyPaddingMask: TensorJson };
  layers: {
    name: string; kind: string; ctor: { dModel?: number; nhead?: number; numLayers?: number; options: Record<string, unknown> };
    forward: Record<string, unknown>; masks: Record<string, TensorJson>; state: Record<string, TensorJson>; inputs: TensorJson[];
    output: TensorJson; gradOutput: TensorJson; gradInputs: TensorJson[]; gradParams: Record<string, TensorJson>;
  }[];
  rope: { dim: number; offset: number; input: TensorJson; output: TensorJson };
  sinusoid: { dModel: number; maxLen: number; pe: TensorJson };
  squareSubsequentMask: TensorJson;
};

const TOL = 1e-10;
const at = (m: Tensor, i: number, j: number): number => m.toList()[i * m.shape[1]! + j]!;
const stateOf = (state: Record<string, TensorJson>): Record<string, Tensor> => Object.fromEntries(Object.entries(state).map(([k, v]) => [k, fromJson(v)]));
const masksOf = (masks: Record<string, TensorJson>): Record<string, Tensor> => Object.fromEntries(Object.entries(masks).map(([k, v]) => [k, fromJson(v)]));
/** Σ y·g: backward of it gives the vector-Jacobian products the fixture stores. */
const dotLoss = (pairs: [Tensor, TensorJson][]): Tensor => pairs.map(([y, g]) => y.mul(fromJson(g)).sum()).reduce((a, b) => a.add(b));

describe("scaledDotProductAttention equals PyTorch", () => {
  for (const c of ref.sdpa) {
    for (const path of ["fused", "composite"] as const) {
      it(`${c.name} (${path})`, () => {
        const q = fromJson(c.inputs.q!, { requiresGrad: true }), k = fromJson(c.inputs.k!, { requiresGrad: true }), v = fromJson(c.inputs.v!, { requiresGrad: true });
        const mask = c.inputs.mask ? fromJson(c.inputs.mask, { requiresGrad: c.grads.mask !== undefined }) : null;
        const fn = path === "fused" ? nn.functional.scaledDotProductAttention : nn.functional.scaledDotProductAttentionComposite;
        const y = fn(q, k, v, { attnMask: mask, isCausal: c.options.isCausal, scale: c.options.scale });
        expect(maxRelErr(y, c.output)).toBeLessThan(TOL);
        dotLoss([[y, c.gradOutput]]).backward();
        expect(maxRelErr(q.grad!, c.grads.q!)).toBeLessThan(TOL);
        expect(maxRelErr(k.grad!, c.grads.k!)).toBeLessThan(TOL);
        expect(maxRelErr(v.grad!, c.grads.v!)).toBeLessThan(TOL);
        if (c.grads.mask) expect(maxRelErr(mask!.grad!, c.grads.mask)).toBeLessThan(TOL);
      });
    }
  }

  it("the fused primitive equals the composite in float32 (outputs and gradients), with masks, causal, and a fully masked row", () => {
    const g = new ds.Generator(5);
    const q = ds.randn([2, 3, 70, 16], { generator: g }), k = ds.randn([2, 3, 90, 16], { generator: g }), v = ds.randn([2, 3, 90, 8], { generator: g });
    const mask = ds.randn([70, 90], { generator: g });
    for (const options of [{}, { attnMask: mask }, { isCausal: true }, { attnMask: mask.gt(0.5) }]) {
      const fused = nn.functional.scaledDotProductAttention(q, k, v, options).toList();
      const composite = nn.functional.scaledDotProductAttentionComposite(q, k, v, options).toList();
      let err = 0;
      for (let i = 0; i < fused.length; i++) err = Math.max(err, Math.abs(fused[i]! - composite[i]!));
      expect(err).toBeLessThan(2e-6);
    }
    // gradients: the fused backward kernel against autograd through the composite
    const leaves = [q, k, v, mask].map((t) => t.detach().requiresGrad_(true));
    const gy = ds.randn([2, 3, 70, 8], { generator: g });
    const grads = (fn: typeof nn.functional.scaledDotProductAttention, options: object): number[][] => {
      for (const t of leaves) t.grad = null;
      fn(leaves[0]!, leaves[1]!, leaves[2]!, { attnMask: leaves[3], ...options }).mul(gy).sum().backward();
      return leaves.map((t) => t.grad!.toList());
    };
    for (const options of [{}, { scale: 0.2 }]) {
      const fusedGrads = grads(nn.functional.scaledDotProductAttention, options), compositeGrads = grads(nn.functional.scaledDotProductAttentionComposite, options);
      fusedGrads.forEach((gf, i) => {
        const gc = compositeGrads[i]!;
        let err = 0;
        for (let j = 0; j < gf.length; j++) err = Math.max(err, Math.abs(gf[j]! - gc[j]!));
        expect(err, `gradient ${i}`).toBeLessThan(2e-5);
      });
    }
    const none = ds.zeros([70, 90], { dtype: "bool" });
    const fused = nn.functional.scaledDotProductAttention(q, k, v, { attnMask: none });
    expect(fused.toList().every((x) => Number.isNaN(x))).toBe(true); // softmax over no keys is NaN, as in PyTorch
  });

  it("rejects bad shapes, dtypes and masks with the operation's name", () => {
    const q = ds.randn([2, 4, 8]), k = ds.randn([2, 5, 8]), v = ds.randn([2, 5, 3]);
    const sdpa = nn.functional.scaledDotProductAttention;
    expect(() => sdpa(q, ds.randn([2, 5, 7]), v)).toThrow(/scaledDotProductAttention: query \[2,4,8\] and key \[2,5,7\] must share the feature size/);
    expect(() => sdpa(q, k, ds.randn([2, 6, 3]))).toThrow(/key \[2,5,8\] and value \[2,6,3\] must have the same sequence length/);
    expect(() => sdpa(q, k, v, { attnMask: ds.zeros([4, 6]) })).toThrow(/attnMask of shape \[4,6\] does not broadcast to the attention scores' shape \[2,4,5\]/);
    expect(() => sdpa(q, k, v, { attnMask: ds.zeros([4, 5]), isCausal: true })).toThrow(/either attnMask or isCausal/);
    expect(() => sdpa(q, k, v, { attnMask: ds.zeros([4, 5], { dtype: "float64" }) })).toThrow(/attnMask must be bool or float32/);
    expect(() => sdpa(ds.randn([3, 4, 8]), k, v)).toThrow(/batch dims of query \[3,4,8\], key \[2,5,8\] and value \[2,5,3\] do not broadcast/);
  });
});

function buildMha(c: (typeof ref.mha)[number]): nn.MultiheadAttention {
  const mha = new nn.MultiheadAttention(c.ctor.embedDim, c.ctor.numHeads, { ...c.ctor.options, dtype: "float64" });
  const result = mha.loadStateDict(stateOf(c.state));
  expect(result.missingKeys).toEqual([]);
  expect(result.unexpectedKeys).toEqual([]);
  return mha;
}

describe("MultiheadAttention equals PyTorch (state dict keys unchanged)", () => {
  for (const c of ref.mha) {
    it(c.name, () => {
      const mha = buildMha(c);
      expect(Object.keys(mha.stateDict()).sort()).toEqual(Object.keys(c.state).sort());
      const query = fromJson(c.inputs.query!, { requiresGrad: true });
      const key = c.selfAttention ? query : fromJson(c.inputs.key!, { requiresGrad: true });
      const value = c.selfAttention ? query : fromJson(c.inputs.value!, { requiresGrad: true });
      const [y, w] = mha.forward(query, key, value, { ...c.forward, ...masksOf(c.masks) });
      expect(maxRelErr(y, c.output)).toBeLessThan(TOL);
      const pairs: [Tensor, TensorJson][] = [[y, c.gradOutput]];
      if (c.weights) {
        expect(maxRelErr(w!, c.weights)).toBeLessThan(TOL);
        pairs.push([w!, c.gradWeights!]);
      } else {
        expect(w).toBeNull();
      }
      dotLoss(pairs).backward();
      expect(maxRelErr(query.grad!, c.grads.query!)).toBeLessThan(TOL);
      if (!c.selfAttention) {
        expect(maxRelErr(key.grad!, c.grads.key!)).toBeLessThan(TOL);
        expect(maxRelErr(value.grad!, c.grads.value!)).toBeLessThan(TOL);
      }
      const params = Object.fromEntries(mha.namedParameters());
      for (const [name, g] of Object.entries(c.gradParams)) expect(maxRelErr(params[name]!.grad!, g), name).toBeLessThan(TOL);
    });
  }

  it("loads a float32 state dict that torch saved with safetensors and gives PyTorch's outputs", async () => {
    const state = await ds.io.load(new URL("mha_state.safetensors", dir).pathname);
    const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    const result = mha.loadStateDict(state);
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const s = ref.mhaSafetensors;
    const x = fromJson(s.input);
    const [y, w] = mha.forward(x, x, x, { keyPaddingMask: fromJson(s.keyPaddingMask) });
    expect(maxRelErr(y, s.output)).toBeLessThan(1e-5);
    expect(maxRelErr(w!, s.weights)).toBeLessThan(1e-5);
  });

  it("prints as PyTorch does", () => {
    expect(String(new nn.MultiheadAttention(8, 2))).toBe(
      "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n)",
    );
  });

  it("rejects bad configurations and inputs, naming the layer and the shapes", () => {
    expect(() => new nn.MultiheadAttention(10, 3)).toThrow("MultiheadAttention: embedDim 10 must be divisible by numHeads 3");
    const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    const x = ds.randn([2, 5, 8]);
    expect(() => mha.forward(x, x, x, { attnMask: ds.zeros([5, 4]) })).toThrow(
      "MultiheadAttention: the 2-D attnMask has shape [5,4], but should be [5,5] (query length 5, key length 5)",
    );
    expect(() => mha.forward(x, x, x, { attnMask: ds.zeros([3, 5, 5]) })).toThrow(/the 3-D attnMask has shape \[3,5,5\], but should be \[4,5,5\]/);
    expect(() => mha.forward(x, x, x, { keyPaddingMask: ds.zeros([5, 2], { dtype: "bool" }) })).toThrow(
      "MultiheadAttention: keyPaddingMask has shape [5,2], but should be [2,5] (batch 2, key length 5)",
    );
    expect(() => mha.forward(ds.randn([2, 5, 6]), x, x)).toThrow(/query \[2,5,6\] must have 8 features \(embedDim\), got 6/);
    expect(() => mha.forward(x, x, x, { isCausal: true })).toThrow(/isCausal is a hint about attnMask/);
  });
});

function buildLayer(c: (typeof ref.layers)[number]): ds.nn.Module<never[], Tensor> {
  const options = { ...c.ctor.options, dtype: "float64" as const };
  let m: unknown;
  switch (c.kind) {
    case "TransformerEncoderLayer": m = new nn.TransformerEncoderLayer(c.ctor.dModel!, c.ctor.nhead!, options); break;
    case "TransformerDecoderLayer": m = new nn.TransformerDecoderLayer(c.ctor.dModel!, c.ctor.nhead!, options); break;
    case "TransformerEncoder":
      m = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(c.ctor.dModel!, c.ctor.nhead!, options), c.ctor.numLayers!, {
        norm: new nn.LayerNorm(c.ctor.dModel!, { dtype: "float64" }),
      });
      break;
    case "TransformerDecoder":
      m = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(c.ctor.dModel!, c.ctor.nhead!, options), c.ctor.numLayers!, {
        norm: new nn.LayerNorm(c.ctor.dModel!, { dtype: "float64" }),
      });
      break;
    case "Transformer": m = new nn.Transformer(options); break;
    default: throw new Error(c.kind);
  }
  return m as ds.nn.Module<never[], Tensor>;
}

describe("Transformer layers equal PyTorch (outputs and every gradient)", () => {
  for (const c of ref.layers) {
    it(`${c.kind}: ${c.name}`, () => {
      const layer = buildLayer(c);
      expect(Object.keys(layer.stateDict()).sort()).toEqual(Object.keys(c.state).sort());
      expect(layer.loadStateDict(stateOf(c.state))).toEqual({ missingKeys: [], unexpectedKeys: [] });
      const inputs = c.inputs.map((t) => fromJson(t, { requiresGrad: true }));
      const forward = (layer as unknown as { forward: (...a: unknown[]) => Tensor }).forward.bind(layer);
      const y = forward(...inputs, { ...c.forward, ...masksOf(c.masks) });
      expect(maxRelErr(y, c.output)).toBeLessThan(TOL);
      dotLoss([[y, c.gradOutput]]).backward();
      inputs.forEach((x, i) => expect(maxRelErr(x.grad!, c.gradInputs[i]!)).toBeLessThan(TOL));
      const params = Object.fromEntries(layer.namedParameters());
      expect(Object.keys(params).sort()).toEqual(Object.keys(c.gradParams).sort());
      for (const [name, g] of Object.entries(c.gradParams)) expect(maxRelErr(params[name]!.grad!, g), name).toBeLessThan(TOL);
    });
  }

  it("a stack starts from copies of its layer, each with its own parameters", () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const enc = new nn.TransformerEncoder(layer, 2);
    const w0 = enc.layers.at(0).linear1.weight, w1 = enc.layers.at(1).linear1.weight;
    expect(w0.toList()).toEqual(layer.linear1.weight.toList());
    expect(w1.toList()).toEqual(layer.linear1.weight.toList());
    expect(w0).not.toBe(w1);
    expect(w0.storage).not.toBe(w1.storage);
  });

  it("rejects a model width not divisible by the heads and unknown activations", () => {
    expect(() => new nn.TransformerEncoderLayer(10, 4)).toThrow("TransformerEncoderLayer: dModel 10 must be divisible by nhead 4");
    expect(() => new nn.TransformerDecoderLayer(8, 2, { activation: "swish" as never })).toThrow(/TransformerDecoderLayer: activation should be "relu", "gelu" or a function/);
  });
});

describe("masks and positional encodings", () => {
  it("generateSquareSubsequentMask equals PyTorch's", () => {
    expect(nn.Transformer.generateSquareSubsequentMask(4, { dtype: "float64" }).toList()).toEqual(ref.squareSubsequentMask.data);
    expect(nn.generateSquareSubsequentMask(3).toList()).toEqual([0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
  });

  it("paddingMask marks the positions at and after each length", () => {
    expect(nn.paddingMask([3, 1], 4).toList()).toEqual([0, 0, 0, 1, 0, 1, 1, 1]);
    expect(() => nn.paddingMask([5], 4)).toThrow("paddingMask: a length 5 exceeds maxLen 4");
  });

  it("sinusoidal encoding equals the PyTorch tutorial's table and is added along the sequence", () => {
    const s = ref.sinusoid;
    const pe = new nn.SinusoidalPositionalEncoding(s.dModel, { maxLen: s.maxLen, dtype: "float64" });
    expect(maxRelErr(pe.pe, s.pe)).toBeLessThan(1e-14);
    const x = ds.zeros([4, 2, s.dModel], { dtype: "float64" }); // (T, N, E)
    const y = pe.forward(x);
    expect(maxRelErr(y.select(1, 1), { ...s.pe, shape: [4, s.dModel], data: s.pe.data.slice(0, 4 * s.dModel) })).toBeLessThan(1e-14);
    expect(() => pe.forward(ds.zeros([11, 2, s.dModel], { dtype: "float64" }))).toThrow(
      "SinusoidalPositionalEncoding: sequence length 11 exceeds the table's maxLen 10 (input shape [11,2,6])",
    );
  });

  it("learned positions add rows of their table; too long a sequence is an error", () => {
    const emb = new nn.LearnedPositionalEmbedding(5, 4, { batchFirst: true });
    const y = emb.forward(ds.zeros([2, 3, 4]));
    expect(y.select(0, 1).toList()).toEqual(emb.weight.narrow(0, 0, 3).toList());
    expect(() => emb.forward(ds.zeros([2, 6, 4]))).toThrow("LearnedPositionalEmbedding: sequence length 6 exceeds the table's maxLen 5 (input shape [2,6,4])");
  });

  it("rotary embedding equals the rotate-half formula and makes q·k depend on relative position only", () => {
    const r = ref.rope;
    const rope = new nn.RotaryEmbedding(r.dim, { maxLen: 16, dtype: "float64" });
    expect(maxRelErr(rope.forward(fromJson(r.input), r.offset), r.output)).toBeLessThan(1e-14);
    const g = new ds.Generator(3);
    const q = ds.randn([1, 8], { dtype: "float64", generator: g }).expand([16, 8]);
    const k = ds.randn([1, 8], { dtype: "float64", generator: g }).expand([16, 8]);
    const rope8 = new nn.RotaryEmbedding(8, { maxLen: 16, dtype: "float64" });
    const scores = rope8.forward(q).matmul(rope8.forward(k).t()); // scores[m, n] = f(m − n)
    expect(Math.abs(at(scores, 5, 2) - at(scores, 9, 6))).toBeLessThan(1e-12);
    expect(Math.abs(at(scores, 3, 3) - at(scores, 12, 12))).toBeLessThan(1e-12);
    expect(() => rope8.forward(q, 1)).toThrow("RotaryEmbedding: positions 1..16 exceed the table's maxLen 16 (input shape [16,8])");
  });
});

describe("attention dropout", () => {
  it("MultiheadAttention in training drops attention weights (rescaled by 1/(1 − p)), returns the dropped weights, and is off in eval", () => {
    const mha = new nn.MultiheadAttention(8, 2, { dropout: 0.5, batchFirst: true, generator: new ds.Generator(2) });
    const x = ds.randn([2, 6, 8], { generator: new ds.Generator(3) });
    const [, w] = mha.forward(x, x, x, { averageAttnWeights: false });
    const values = w!.toList();
    expect(values.some((v) => v === 0)).toBe(true);
    mha.eval();
    const [, wEval] = mha.forward(x, x, x, { averageAttnWeights: false });
    const rows = wEval!.sum(-1).toList();
    for (const r of rows) expect(r).toBeCloseTo(1, 6);
    expect(values.filter((v) => v !== 0).length).toBeGreaterThan(0);
    const evalValues = wEval!.toList();
    values.forEach((v, i) => {
      if (v !== 0) expect(v).toBeCloseTo(2 * evalValues[i]!, 6); // a kept weight is the probability times 1/(1 − p)
    });
    expect(mha.forward(x, x, x, { needWeights: false })[0].toList()).toEqual(mha.forward(x, x, x, { needWeights: false })[0].toList());
  });

  it("scaledDotProductAttention with dropoutP drops weights reproducibly from a seeded generator", () => {
    const g = new ds.Generator(8);
    const q = ds.randn([2, 5, 4], { generator: g }), k = ds.randn([2, 5, 4], { generator: g }), v = ds.randn([2, 5, 4], { generator: g });
    const a = nn.functional.scaledDotProductAttention(q, k, v, { dropoutP: 0.4, generator: new ds.Generator(1) }).toList();
    const b = nn.functional.scaledDotProductAttention(q, k, v, { dropoutP: 0.4, generator: new ds.Generator(1) }).toList();
    const none = nn.functional.scaledDotProductAttention(q, k, v).toList();
    expect(a).toEqual(b);
    expect(a).not.toEqual(none);
  });
});
