// DCGAN and conditional-GAN networks equal PyTorch's layer for layer (fixtures from test/fixtures/generative/make_dcgan_fixture.py).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { generative } from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

interface Enc { shape: number[]; data: number[] }
interface Case {
  numClasses: number; latentDim: number; features: number; generatorState: Record<string, Enc>; discriminatorState: Record<string, Enc>;
  z: Enc; labels: number[] | null; images: Enc; scores: Enc; imagesEval: Enc; scoresEval: Enc; generatorGrads: Record<string, Enc>;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/generative/dcgan.json", import.meta.url), "utf8")) as { torch: string; cases: Case[] };
const f64 = (e: Enc): Tensor => ds.tensor(e.data, { dtype: "float64" }).reshape(e.shape);
const load = (e: Record<string, Enc>) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, k.endsWith("num_batches_tracked") ? ds.tensor(v.data, { dtype: "int32" }).reshape(v.shape) : f64(v)]));

function expectClose(actual: Tensor, expected: Enc, tol: number, what: string): void {
  expect([...actual.shape], what).toEqual(expected.shape);
  const a = actual.contiguous().dataSync();
  let worst = 0;
  expected.data.forEach((e, i) => (worst = Math.max(worst, Math.abs(Number(a[i]) - e) / Math.max(1, Math.abs(e)))));
  expect(worst, what).toBeLessThan(tol);
}

describe(`DCGAN networks equal PyTorch ${fixture.torch}'s`, () => {
  for (const c of fixture.cases) {
    it(`${c.numClasses ? `conditional (${c.numClasses} classes)` : "unconditional"}: images, scores (train and eval mode) and generator gradients through both`, () => {
      const opts = { features: c.features, numClasses: c.numClasses || undefined, dtype: "float64" as const };
      const G = new generative.DCGANGenerator(c.latentDim, opts);
      const D = new generative.DCGANDiscriminator(opts);
      expect(G.loadStateDict(load(c.generatorState))).toEqual({ missingKeys: [], unexpectedKeys: [] });
      expect(D.loadStateDict(load(c.discriminatorState))).toEqual({ missingKeys: [], unexpectedKeys: [] });
      const y = c.labels ? ds.tensor(c.labels, { dtype: "int32" }) : undefined;
      const x = G.call(f64(c.z), y);
      expectClose(x, c.images, 1e-10, "images");
      const score = D.call(x, y);
      expectClose(score, c.scores, 1e-10, "scores");
      G.zeroGrad();
      score.sum().backward();
      for (const [k, p] of G.namedParameters()) expectClose(p.grad!, c.generatorGrads[k]!, 1e-9, `grad ${k}`);
      G.eval();
      D.eval();
      const xe = ds.noGrad(() => G.call(f64(c.z), y));
      expectClose(xe, c.imagesEval, 1e-10, "images (eval)");
      expectClose(ds.noGrad(() => D.call(xe, y)), c.scoresEval, 1e-10, "scores (eval)");
    });
  }

  it("DCGAN's initialization: conv weights N(0, 0.02), batch-norm scales N(1, 0.02)", () => {
    const G = new generative.DCGANGenerator(100, { generator: new ds.Generator(0) });
    const w = G.main.at(0) as unknown as { weight: Tensor };
    expect(w.weight.std().item()).toBeGreaterThan(0.019);
    expect(w.weight.std().item()).toBeLessThan(0.021);
    const bn = G.main.at(1) as unknown as { weight: Tensor };
    expect(Math.abs(bn.weight.mean().item() - 1)).toBeLessThan(0.01);
  });

  it("conditioning: the same z with other labels gives other images of the same shape; out-of-range labels name the model", () => {
    const G = new generative.DCGANGenerator(8, { features: 4, numClasses: 3, generator: new ds.Generator(0) });
    G.eval();
    const z = ds.randn([3, 8], { generator: new ds.Generator(1) });
    const byLabel = [0, 1, 2].map((c) => ds.noGrad(() => G.call(z, ds.tensor([c, c, c], { dtype: "int32" }))));
    for (const x of byLabel) expect([...x.shape]).toEqual([3, 1, 28, 28]);
    for (const [a, b] of [[0, 1], [0, 2], [1, 2]] as const) {
      // each of the three rows changes: the label reaches every sample
      const rowDiff = byLabel[a]!.sub(byLabel[b]!).abs().reshape([3, -1]).amax(1).toList() as number[];
      for (const d of rowDiff) expect(d).toBeGreaterThan(1e-3);
    }
    // mixed labels in one batch: row i equals the single-label batch of its label
    const mixed = ds.noGrad(() => G.call(z, ds.tensor([2, 0, 1], { dtype: "int32" })));
    [2, 0, 1].forEach((c, i) => expect(mixed.slice(0, i, i + 1).sub(byLabel[c]!.slice(0, i, i + 1)).abs().max().item()).toBeLessThan(1e-6));
    const D = new generative.DCGANDiscriminator({ features: 4, numClasses: 3 });
    expect(() => G.call(z, ds.tensor([0, 3, 1], { dtype: "int32" }))).toThrow(/DCGANGenerator: labels must be class indices in \[0, 3\), got 3/);
    expect(() => G.call(z, ds.tensor([0, -1, 1], { dtype: "int32" }))).toThrow(/DCGANGenerator: labels must be class indices in \[0, 3\), got -1/);
    expect(() => D.call(ds.randn([2, 1, 28, 28]), ds.tensor([0, 7], { dtype: "int32" }))).toThrow(/DCGANDiscriminator: labels must be class indices in \[0, 3\), got 7/);
  });

  it("projection discriminator: the score is the unconditional score plus ⟨e(y), φ(x)⟩", () => {
    const D = new generative.DCGANDiscriminator({ features: 4, numClasses: 3, conditioning: "projection", dtype: "float64", generator: new ds.Generator(0) });
    expect([...D.labelEmb!.weight.shape]).toEqual([3, 2 * 4 * 7 * 7]);
    expect(Object.keys(D.stateDict())).toContain("label_emb.weight");
    const x = ds.randn([2, 1, 28, 28], { generator: new ds.Generator(1), dtype: "float64" });
    const scores = [0, 1, 2].map((c) => ds.noGrad(() => D.call(x, ds.tensor([c, c], { dtype: "int32" }))).toList() as number[]);
    expect(Math.abs(scores[0]![0]! - scores[1]![0]!)).toBeGreaterThan(1e-6); // the label matters
    // With e(y) zeroed the label no longer matters, and the score is the plain network's.
    ds.noGrad(() => D.labelEmb!.weight.zero_());
    const plain = new generative.DCGANDiscriminator({ features: 4, dtype: "float64" });
    plain.loadStateDict(Object.fromEntries(Object.entries(D.stateDict()).filter(([k]) => k !== "label_emb.weight")));
    const reference = ds.noGrad(() => plain.call(x)).toList() as number[];
    for (const c of [0, 2]) {
      const s = ds.noGrad(() => D.call(x, ds.tensor([c, c], { dtype: "int32" }))).toList() as number[];
      s.forEach((v, i) => expect(v).toBeCloseTo(reference[i]!, 12));
    }
    // e(y) = 1 at one feature k adds φ(x)ₖ: the k-th value of the features before the last layer (LeakyReLU(0.2) of batch norm).
    const rows = Array.from({ length: 3 }, (_, c) => Array.from({ length: 392 }, (_, k) => (c === 1 && k === 5 ? 1 : 0)));
    ds.noGrad(() => D.labelEmb!.weight.copy_(ds.tensor(rows, { dtype: "float64" })));
    const withOne = ds.noGrad(() => D.call(x, ds.tensor([1, 1], { dtype: "int32" }))).toList() as number[];
    const phi = ds.noGrad(() => [0, 1, 2, 3, 4].reduce((h, i) => (D.main.at(i) as unknown as { call(t: ds.Tensor): ds.Tensor }).call(h), x)).reshape([2, -1]);
    const phiRows = phi.toArray() as number[][];
    expect(Math.abs(phiRows[0]![5]!) + Math.abs(phiRows[1]![5]!)).toBeGreaterThan(1e-3);
    withOne.forEach((v, i) => expect(v - reference[i]!).toBeCloseTo(phiRows[i]![5]!, 12));
    expect(() => new generative.DCGANDiscriminator({ numClasses: 3, conditioning: "sum" as never })).toThrow(/DCGANDiscriminator: conditioning must be "concat" or "projection"/);
    expect(() => D.call(x, ds.tensor([0, 3], { dtype: "int32" }))).toThrow(/DCGANDiscriminator: labels must be class indices in \[0, 3\)/);
  });

  it("errors name the network and the shapes", () => {
    const G = new generative.DCGANGenerator(8, { features: 4, numClasses: 3 });
    expect(() => G.call(ds.randn([2, 8]))).toThrow(/DCGANGenerator: a conditional model needs int32 labels of shape \[2\]/);
    expect(() => G.call(ds.randn([2, 7]), ds.tensor([0, 1], { dtype: "int32" }))).toThrow(/DCGANGenerator: z must be \[N, 8\]/);
    const D = new generative.DCGANDiscriminator({ features: 4 });
    expect(() => D.call(ds.randn([2, 1, 32, 32]))).toThrow(/DCGANDiscriminator: images must be \[N, C, 28, 28\]/);
    expect(() => D.call(ds.randn([2, 1, 28, 28]), ds.tensor([0, 1], { dtype: "int32" }))).toThrow(/not conditional/);
  });
});
