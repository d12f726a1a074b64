// vision.models.ViT against torchvision 0.28's VisionTransformer (test/fixtures/vision/make_vit_fixture.py):
// keys, shapes and parameter counts; float64 logits and the input gradient with torchvision's weights.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Generator, Tensor, vision } from "../../src/index.js";
import { deserialize } from "../../src/io/safetensors.js";

const { models } = vision;
const dir = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/vision");
const fixture = JSON.parse(readFileSync(join(dir, "vit.json"), "utf8")) as { keys: [string, number[]][]; counts: Record<string, number> };
const t = deserialize(new Uint8Array(readFileSync(join(dir, "vit.safetensors")))).tensors;
const small = () => new models.ViT({ imageSize: 8, patchSize: 4, numLayers: 2, numHeads: 2, hiddenDim: 16, mlpDim: 32, numClasses: 5, inChannels: 1, dtype: "float64", generator: new Generator(0) });
const count = (m: { parameters(): Iterable<Tensor> }) => [...m.parameters()].reduce((n, p) => n + p.size, 0);
const maxDiff = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const x = a.toList() as number[], y = b.toList() as number[];
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
};

describe("vision.models.ViT equals torchvision's VisionTransformer", () => {
  it("state-dict keys and shapes, and parameter counts", () => {
    const keys = Object.entries(small().stateDict()).map(([k, v]) => [k, [...v.shape]]);
    const byKey = (a: [string, number[]], b: [string, number[]]) => a[0].localeCompare(b[0]);
    expect((keys as [string, number[]][]).sort(byKey)).toEqual(fixture.keys.slice().sort(byKey));
    expect(count(small())).toBe(fixture.counts.small);
    expect(count(new models.ViT({ imageSize: 28, patchSize: 7, numLayers: 4, numHeads: 4, hiddenDim: 64, mlpDim: 128, inChannels: 1 }))).toBe(fixture.counts.fashion);
  });

  it("with torchvision's weights: the same logits and input gradient (float64)", () => {
    const vit = small();
    const state = Object.fromEntries(Object.entries(t).filter(([k]) => k.startsWith("state/")).map(([k, v]) => [k.slice(6), v]));
    vit.loadStateDict(state);
    vit.eval();
    const x = t.input!.clone().requiresGrad_();
    const out = vit.call(x);
    expect(maxDiff(out, t.output!)).toBeLessThan(1e-10);
    out.mul(t.r!).sum().backward();
    expect(maxDiff(x.grad!, t.input_grad!)).toBeLessThan(1e-10);
  });

  it("bad input: clear errors naming ViT and the sizes", () => {
    expect(() => new models.ViT({ imageSize: 28, patchSize: 5, numLayers: 1, numHeads: 2, hiddenDim: 8, mlpDim: 8 })).toThrow(/ViT: patchSize 5 must divide imageSize 28/);
    expect(() => new models.ViT({ imageSize: 28, patchSize: 7, numLayers: 1, numHeads: 3, hiddenDim: 8, mlpDim: 8 })).toThrow(/hiddenDim 8 must be divisible by numHeads 3/);
    expect(() => small().call(t.input!.narrow(2, 0, 4))).toThrow(/ViT: expected images \(N, 1, 8, 8\), got \[3,1,4,8\]/);
  });
});
