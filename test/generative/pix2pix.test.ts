// Pix2Pix / CycleGAN networks and losses equal the reference code's in PyTorch (fixtures from test/fixtures/generative/make_pix2pix_fixture.py).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { generative } from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

interface Enc { shape: number[]; data: number[] }
interface NetCase { x: Enc; train?: Enc; eval: Enc }
interface GenFix { inChannels: number; outChannels: number; depth: number; features: number; norm: "batch" | "instance"; dropoutBlocks: number; parameters: number; state: Record<string, Enc>; cases: NetCase[]; gradients: { x: Enc; grads: Record<string, Enc> } | null }
interface DiscFix { inChannels: number; features: number; nLayers: number; norm: "batch" | "instance"; parameters: number; state: Record<string, Enc>; cases: NetCase[] }
interface ResFix { inChannels: number; outChannels: number; features: number; nBlocks: number; nDownsampling: number; norm: "batch" | "instance"; parameters: number; state: Record<string, Enc>; cases: NetCase[] }
const fixture = JSON.parse(readFileSync(new URL("../fixtures/generative/pix2pix.json", import.meta.url), "utf8")) as {
  torch: string; resnets: ResFix[]; resnetCount: Omit<ResFix, "state" | "cases">; generators: GenFix[]; discriminators: DiscFix[];
  counts: { unet: (Omit<GenFix, "state" | "cases" | "dropoutBlocks" | "gradients">)[]; patch: Omit<DiscFix, "state" | "cases">[] };
  pix2pixLoss: Record<string, Enc | number>; cycleGanLoss: Record<string, Enc | number>;
};
const f64 = (e: Enc): Tensor => ds.tensor(e.data, { dtype: "float64" }).reshape(e.shape);
const load = (e: Record<string, Enc>) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, k.endsWith("num_batches_tracked") ? ds.tensor(v.data, { dtype: "int32" }).reshape(v.shape) : f64(v)]));
const countParams = (m: ds.nn.Module): number => [...m.parameters()].reduce((s, p) => s + p.size, 0);

function expectClose(actual: Tensor, expected: Enc, tol: number, what: string): void {
  expect([...actual.shape], what).toEqual(expected.shape);
  const a = actual.contiguous().dataSync();
  let worst = 0;
  expected.data.forEach((e, i) => (worst = Math.max(worst, Math.abs(Number(a[i]) - e))));
  expect(worst, what).toBeLessThan(tol);
}

describe(`Pix2Pix networks equal the reference code's in PyTorch ${fixture.torch}`, () => {
  for (const g of fixture.generators) {
    it(`UNetGenerator depth ${g.depth}, ${g.features} features, ${g.norm} norm, ${g.dropoutBlocks} dropout blocks: parameters, outputs${g.gradients ? ", parameter gradients" : ""} (${g.cases.map((c) => c.x.shape.join("×")).join(", ")})`, () => {
      const G = new generative.UNetGenerator(g.inChannels, g.outChannels, { depth: g.depth, features: g.features, norm: g.norm, dropoutBlocks: g.dropoutBlocks, dtype: "float64" });
      expect(countParams(G)).toBe(g.parameters);
      expect(G.loadStateDict(load(g.state))).toEqual({ missingKeys: [], unexpectedKeys: [] });
      for (const c of g.cases) {
        if (c.train) {
          G.train();
          expectClose(G.call(f64(c.x)), c.train, 1e-5, `train ${c.x.shape}`);
        }
        G.eval();
        expectClose(ds.noGrad(() => G.call(f64(c.x))), c.eval, 1e-5, `eval ${c.x.shape}`);
      }
      if (g.gradients) {
        // Backward through the skip connections: ∂ sum(G(x)²) / ∂θ in training mode, from the initial state.
        const fresh = new generative.UNetGenerator(g.inChannels, g.outChannels, { depth: g.depth, features: g.features, norm: g.norm, dropoutBlocks: g.dropoutBlocks, dtype: "float64" });
        fresh.loadStateDict(load(g.state));
        fresh.call(f64(g.gradients.x)).square().sum().backward();
        const named = [...fresh.namedParameters()];
        expect(named.map(([k]) => k)).toEqual(Object.keys(g.gradients.grads));
        for (const [k, p] of named) expectClose(p.grad!, g.gradients.grads[k]!, 1e-5, `grad ${k}`);
      }
    });
  }
  for (const d of fixture.discriminators) {
    it(`PatchDiscriminator nLayers ${d.nLayers}, ${d.features} features, ${d.norm} norm: parameters and logit grids (${d.cases.map((c) => c.x.shape.join("×")).join(", ")})`, () => {
      const D = new generative.PatchDiscriminator(d.inChannels, { features: d.features, nLayers: d.nLayers, norm: d.norm, dtype: "float64" });
      expect(countParams(D)).toBe(d.parameters);
      expect(D.loadStateDict(load(d.state))).toEqual({ missingKeys: [], unexpectedKeys: [] });
      for (const c of d.cases) {
        D.train();
        expectClose(D.call(f64(c.x)), c.train!, 1e-5, `train ${c.x.shape}`);
        D.eval();
        expectClose(ds.noGrad(() => D.call(f64(c.x))), c.eval, 1e-5, `eval ${c.x.shape}`);
      }
    });
  }
  for (const r of fixture.resnets) {
    it(`CycleGAN's ResnetGenerator: ${r.nBlocks} blocks, ${r.nDownsampling} downsamplings, ${r.norm} norm: parameters and outputs in train and eval mode`, () => {
      const G = new generative.ResnetGenerator(r.inChannels, r.outChannels, { features: r.features, nBlocks: r.nBlocks, nDownsampling: r.nDownsampling, norm: r.norm, dtype: "float64" });
      expect(countParams(G)).toBe(r.parameters);
      expect(G.loadStateDict(load(r.state))).toEqual({ missingKeys: [], unexpectedKeys: [] });
      for (const c of r.cases) {
        G.train();
        expectClose(G.call(f64(c.x)), c.train!, 1e-5, `train ${c.x.shape}`);
        G.eval();
        expectClose(ds.noGrad(() => G.call(f64(c.x))), c.eval, 1e-5, `eval ${c.x.shape}`);
      }
    });
  }
  it("CycleGAN's 256 × 256 ResnetGenerator (9 blocks, f = 64) has the reference's 11,378,179 parameters; bad sizes name the layer", () => {
    const c = fixture.resnetCount;
    expect(countParams(new generative.ResnetGenerator(c.inChannels, c.outChannels, { features: c.features, nBlocks: c.nBlocks, nDownsampling: c.nDownsampling, norm: c.norm }))).toBe(c.parameters);
    const G = new generative.ResnetGenerator(1, 1, { features: 2, nBlocks: 1 });
    expect(G.call(ds.randn([1, 1, 12, 8])).shape).toEqual([1, 1, 12, 8]);
    expect(() => G.call(ds.randn([1, 1, 10, 8]))).toThrow(/ResnetGenerator: input must be \[N, 1, H, W\] with H, W multiples of 2\^nDownsampling = 4 and ≥ 8 \(layer model\.1.*got \[1,1,10,8\]/);
  });

  it("CycleGAN holds U-Net or ResNet generators and PatchGANs for each domain; checks its options", () => {
    const u = new generative.CycleGAN({ channelsA: 1, channelsB: 3, lambdaIdentity: 0, depth: 4, generatorFeatures: 2, discriminatorFeatures: 2, nLayers: 1 });
    expect(u.genAB.call(ds.randn([2, 1, 16, 16])).shape).toEqual([2, 3, 16, 16]);
    expect(u.genBA.call(ds.randn([2, 3, 16, 16])).shape).toEqual([2, 1, 16, 16]);
    expect(u.discB.call(ds.randn([2, 3, 16, 16])).shape).toEqual([2, 1, 6, 6]);
    const r = new generative.CycleGAN({ generatorType: "resnet", nBlocks: 2, generatorFeatures: 2, discriminatorFeatures: 2 });
    expect(r.genAB).toBeInstanceOf(generative.ResnetGenerator);
    expect(r.call(ds.randn([1, 1, 16, 16])).shape).toEqual([1, 1, 16, 16]);
    expect(() => new generative.CycleGAN({ channelsA: 1, channelsB: 3 })).toThrow(/CycleGAN: the identity loss needs domains with equal channels/);
    expect(() => new generative.CycleGAN({ generatorType: "vit" as "unet" })).toThrow(/CycleGAN: generatorType must be "unet" or "resnet"/);
  });

  it("parameter counts of larger networks: U-Net depth 8 (f = 16), the 70 × 70 PatchGAN (2,768,705 for 6 channels, f = 64) and a 32-wide U-Net", () => {
    for (const u of fixture.counts.unet) {
      expect(countParams(new generative.UNetGenerator(u.inChannels, u.outChannels, { depth: u.depth, features: u.features, norm: u.norm }))).toBe(u.parameters);
    }
    for (const p of fixture.counts.patch) {
      expect(countParams(new generative.PatchDiscriminator(p.inChannels, { features: p.features, nLayers: p.nLayers, norm: p.norm }))).toBe(p.parameters);
    }
  });

  it("output shapes for several sizes; the PatchGAN's receptive field is 70 for 3 layers, 34 for 2, 16 for 1", () => {
    const G = new generative.UNetGenerator(1, 3, { depth: 3, features: 4 });
    for (const [h, w] of [[8, 8], [16, 24], [32, 32]] as const) expect(G.call(ds.randn([2, 1, h, w])).shape).toEqual([2, 3, h, w]);
    const out = G.call(ds.randn([1, 1, 16, 16])).dataSync();
    expect(Math.max(...Array.from(out, Math.abs))).toBeLessThanOrEqual(1); // tanh
    for (const [n, rf] of [[3, 70], [2, 34], [1, 16]] as const) {
      const D = new generative.PatchDiscriminator(2, { features: 4, nLayers: n });
      expect(D.receptiveField).toBe(rf);
      // H → H/2^n − 2 logits per side (two stride-1 4×4 convs with padding 1).
      for (const s of [32, 48, 64]) expect(D.call(ds.randn([2, 2, s, s])).shape).toEqual([2, 1, s / 2 ** n - 2, s / 2 ** n - 2]);
    }
  });

  it("dropout blocks sit in the decoders right after the innermost, as the reference code", () => {
    const G = new generative.UNetGenerator(1, 1, { depth: 8, features: 1 });
    const hasDropout = [...G.up].map((s) => [...s].some((m) => m instanceof ds.nn.Dropout));
    expect(hasDropout).toEqual([false, false, false, false, true, true, true, false]);
    expect([...new generative.UNetGenerator(1, 1, { depth: 5, features: 1 }).up].some((s) => [...s].some((m) => m instanceof ds.nn.Dropout))).toBe(false);
  });

  it("errors name the layer and the shapes", () => {
    const G = new generative.UNetGenerator(3, 3, { depth: 5, features: 2 });
    expect(() => G.call(ds.randn([2, 3, 30, 32]))).toThrow(/UNetGenerator: input must be \[N, 3, H, W\] with H and W positive multiples of 2\^depth = 32 \(layer down\.0, Conv2d 3→2.*got \[2,3,30,32\]/);
    expect(() => G.call(ds.randn([2, 1, 32, 32]))).toThrow(/UNetGenerator: input must be \[N, 3, H, W\].*got \[2,1,32,32\]/);
    expect(() => new generative.UNetGenerator(1, 1, { depth: 5, dropoutBlocks: 4 })).toThrow(/UNetGenerator: dropoutBlocks must be ≤ depth − 2 = 3/);
    expect(() => new generative.UNetGenerator(1, 1, { norm: "layer" as "batch" })).toThrow(/UNetGenerator: norm must be "batch" or "instance"/);
    const D = new generative.PatchDiscriminator(6, { features: 2, nLayers: 3 });
    expect(() => D.call(ds.randn([1, 3, 64, 64]))).toThrow(/PatchDiscriminator: input must be \[N, 6, H, W\] \(layer model\.0 is Conv2d 6→…\), got \[1,3,64,64\]/);
    expect(() => D.call(ds.randn([1, 6, 20, 64]))).toThrow(/PatchDiscriminator: input \[1,6,20,64\] is too small: .*layer model\.11 .* must be ≥ 3 · 2\^nLayers = 24/);
    expect(() => generative.pix2pixGeneratorLoss(ds.randn([2, 1, 2, 2]), ds.randn([2, 1, 8, 8]), ds.randn([2, 1, 8, 4]))).toThrow(/pix2pixGeneratorLoss: fake \[2,1,8,8\] and target \[2,1,8,4\]/);
  });
});

describe("losses on fixed tensors equal PyTorch's", () => {
  const L = fixture.pix2pixLoss, C = fixture.cycleGanLoss;
  const t = (e: Enc | number) => f64(e as Enc);
  it("pix2pix: BCE-with-logits adversarial term + 100 · L1, and ½ (BCE(real, 1) + BCE(fake, 0)) for D", () => {
    const g = generative.pix2pixGeneratorLoss(t(L.dFake!), t(L.fake!), t(L.target!));
    expect(g.adversarial.item()).toBeCloseTo(L.gAdversarial as number, 10);
    expect(g.l1.item()).toBeCloseTo(L.gL1 as number, 10);
    expect(g.loss.item()).toBeCloseTo(L.gLoss as number, 9);
    expect(generative.pix2pixDiscriminatorLoss(t(L.dReal!), t(L.dFake!)).item()).toBeCloseTo(L.dLoss as number, 10);
  });
  it("CycleGAN: LSGAN (MSE to 1), cycle λ = 10, identity λ = 5, and ½ (MSE(real, 1) + MSE(fake, 0)) per discriminator", () => {
    const g = generative.cycleGanGeneratorLoss({
      realA: t(C.realA!), realB: t(C.realB!), recA: t(C.recA!), recB: t(C.recB!), dAFake: t(C.dAFake!), dBFake: t(C.dBFake!), idtA: t(C.idtA!), idtB: t(C.idtB!),
    });
    for (const k of ["ganAB", "ganBA", "cycleA", "cycleB", "identityA", "identityB"] as const) expect(g[k].item(), k).toBeCloseTo(C[k] as number, 10);
    expect(g.loss.item()).toBeCloseTo(C.gLoss as number, 9);
    expect(generative.cycleGanDiscriminatorLoss(t(C.dAReal!), t(C.dAFake!)).item()).toBeCloseTo(C.dA as number, 10);
    expect(generative.cycleGanDiscriminatorLoss(t(C.dBReal!), t(C.dBFake!)).item()).toBeCloseTo(C.dB as number, 10);
    const noIdt = generative.cycleGanGeneratorLoss({ realA: t(C.realA!), realB: t(C.realB!), recA: t(C.recA!), recB: t(C.recB!), dAFake: t(C.dAFake!), dBFake: t(C.dBFake!) }, { lambdaIdentity: 0 });
    expect(noIdt.loss.item()).toBeCloseTo((C.gLoss as number) - (C.identityA as number) - (C.identityB as number), 9);
    expect(() => generative.cycleGanGeneratorLoss({ realA: t(C.realA!), realB: t(C.realB!), recA: t(C.recA!), recB: t(C.recB!), dAFake: t(C.dAFake!), dBFake: t(C.dBFake!) }))
      .toThrow(/cycleGanGeneratorLoss: idtA and realA must be tensors of one shape/);
  });
});
