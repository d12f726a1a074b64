// DETR: the sine position encoding and the set loss against the authors' formulas in PyTorch
// (test/fixtures/detr/detr_fixture.py), the Hungarian matcher against brute force, gradients of the
// set loss by central differences, and the model's output shapes.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tensor, vision, gradcheck, Generator, manualSeed, noGrad, type Tensor } from "../../src/index.js";

const { DETR, positionEmbeddingSine, HungarianMatcher, SetCriterion } = vision.models;

interface Fixture {
  positions: { height: number; width: number; numPosFeats: number; values: number[] }[];
  setLoss: {
    numClasses: number; eosCoef: number; shape: [number, number, number]; lossWithAux: number;
    targets: { labels: number[]; boxes: number[] }[];
    layers: { logits: number[]; boxes: number[]; matching: { predIdx: number[]; targetIdx: number[] }[]; lossCe: number; lossBbox: number; lossGiou: number }[];
  };
}
const fx = JSON.parse(readFileSync(new URL("../fixtures/detr/detr.json", import.meta.url), "utf8")) as Fixture;

const f64 = (values: number[], shape: number[]): Tensor => tensor(values, { shape, dtype: "float64" });
const fixtureTargets = () => fx.setLoss.targets.map((t) => ({ labels: tensor(t.labels, { dtype: "int32" }), boxes: f64(t.boxes, [t.labels.length, 4]) }));

describe("positionEmbeddingSine", () => {
  it("equals DETR's PositionEmbeddingSine (normalize, scale 2π) on 3×5 and 8×8 maps", () => {
    for (const { height, width, numPosFeats, values } of fx.positions) {
      const pos = positionEmbeddingSine(height, width, { numPosFeats });
      expect(pos.shape).toEqual([2 * numPosFeats, height, width]);
      const got = pos.dataSync() as Float32Array;
      values.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(2e-6));
    }
  });
});

// The matching cost written out per pair, independently of the matcher's tensor code.
function pairCost(logits: number[], box: number[], label: number, target: number[]): number {
  const m = Math.max(...logits);
  const z = logits.reduce((s, v) => s + Math.exp(v - m), 0);
  const p = Math.exp(logits[label]! - m) / z;
  const l1 = box.reduce((s, v, k) => s + Math.abs(v - target[k]!), 0);
  const xyxy = ([cx, cy, w, h]: number[]) => [cx! - w! / 2, cy! - h! / 2, cx! + w! / 2, cy! + h! / 2];
  const [a, b] = [xyxy(box), xyxy(target)];
  const area = (r: number[]) => (r[2]! - r[0]!) * (r[3]! - r[1]!);
  const inter = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!)) * Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const union = area(a) + area(b) - inter;
  const hull = (Math.max(a[2]!, b[2]!) - Math.min(a[0]!, b[0]!)) * (Math.max(a[3]!, b[3]!) - Math.min(a[1]!, b[1]!));
  const giou = inter / union - (hull - union) / hull;
  return 5 * l1 - p - 2 * giou;
}

/** The least total cost over every injective map of the n targets to the Q predictions. */
function bruteForce(cost: number[][], Q: number, n: number): number {
  let best = Infinity;
  const used = new Array<boolean>(Q).fill(false);
  const go = (j: number, total: number): void => {
    if (j === n) { best = Math.min(best, total); return; }
    for (let i = 0; i < Q; i++) {
      if (used[i]) continue;
      used[i] = true;
      go(j + 1, total + cost[i]![j]!);
      used[i] = false;
    }
  };
  go(0, 0);
  return best;
}

describe("HungarianMatcher", () => {
  it("finds the assignment of least cost (brute force) on random batches, targets ≤ queries", () => {
    const g = new Generator(7);
    const matcher = new HungarianMatcher();
    for (let trial = 0; trial < 12; trial++) {
      const Q = 2 + (trial % 5), C = 3, B = 2;
      const logits = tensor(Array.from({ length: B * Q * (C + 1) }, () => 3 * g.normal()), { shape: [B, Q, C + 1], dtype: "float64" });
      const boxes = tensor(Array.from({ length: B * Q * 4 }, (_, k) => (k % 4 < 2 ? 0.2 + 0.6 * g.random() : 0.1 + 0.4 * g.random())), { shape: [B, Q, 4], dtype: "float64" });
      const targets = Array.from({ length: B }, (_, b) => {
        const n = (trial + b) % (Q + 1); // 0 … Q targets
        return {
          labels: tensor(Array.from({ length: n }, () => Math.floor(g.random() * C)), { dtype: "int32" }),
          boxes: tensor(Array.from({ length: n * 4 }, (_, k) => (k % 4 < 2 ? 0.2 + 0.6 * g.random() : 0.1 + 0.4 * g.random())), { shape: [n, 4], dtype: "float64" }),
        };
      });
      const matching = matcher.match({ logits, boxes }, targets);
      const L = logits.toArray() as number[][][], P = boxes.toArray() as number[][][];
      targets.forEach((t, b) => {
        const n = t.labels.shape[0]!;
        const labels = Array.from(t.labels.dataSync() as Int32Array);
        const tb = n === 0 ? [] : (t.boxes.toArray() as number[][]);
        const cost = Array.from({ length: Q }, (_, i) => Array.from({ length: n }, (_, j) => pairCost(L[b]![i]!, P[b]![i]!, labels[j]!, tb[j]!)));
        const { predIdx, targetIdx } = matching[b]!;
        expect(predIdx.length).toBe(n);
        expect([...targetIdx].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, j) => j));
        expect(new Set(predIdx).size).toBe(n);
        expect([...predIdx]).toEqual([...predIdx].sort((x, y) => x - y));
        const total = predIdx.reduce((s, i, k) => s + cost[i]![targetIdx[k]!]!, 0);
        expect(total).toBeCloseTo(bruteForce(cost, Q, n), 10);
      });
    }
  });

  it("rejects labels outside the logits' classes", () => {
    const matcher = new HungarianMatcher();
    const out = { logits: f64(new Array(8).fill(0), [1, 2, 4]), boxes: f64(new Array(8).fill(0.5), [1, 2, 4]) };
    expect(() => matcher.match(out, [{ labels: tensor([3], { dtype: "int32" }), boxes: f64([0.5, 0.5, 0.2, 0.2], [1, 4]) }])).toThrow(/label 3, outside \[0, 3\)/);
  });
});

describe("SetCriterion", () => {
  const { shape, numClasses, eosCoef } = fx.setLoss;
  const layers = fx.setLoss.layers.map((l) => ({ logits: f64(l.logits, shape), boxes: f64(l.boxes, [shape[0], shape[1], 4]) }));

  it("matches as scipy and gives DETR's loss_ce, loss_bbox, loss_giou per decoder layer", () => {
    const criterion = new SetCriterion(numClasses, { eosCoef });
    fx.setLoss.layers.forEach((expected, k) => {
      expect(criterion.matcher.match(layers[k]!, fixtureTargets())).toEqual(expected.matching);
      const l = criterion.layerLosses(layers[k]!, fixtureTargets(), 3);
      expect(l.lossCe.item()).toBeCloseTo(expected.lossCe, 12);
      expect(l.lossBbox.item()).toBeCloseTo(expected.lossBbox, 12);
      expect(l.lossGiou.item()).toBeCloseTo(expected.lossGiou, 12);
    });
  });

  it("adds the auxiliary decoder layer's loss, weighted 1, 5, 2", () => {
    const criterion = new SetCriterion(numClasses, { eosCoef });
    const { loss, lossCe } = criterion.forward({ ...layers[1]!, auxOutputs: [layers[0]!] }, fixtureTargets());
    expect(loss.item()).toBeCloseTo(fx.setLoss.lossWithAux, 12);
    expect(lossCe.item()).toBeCloseTo(fx.setLoss.layers[1]!.lossCe, 12);
  });

  it("has the gradient of central differences with respect to logits and boxes (float64)", () => {
    const criterion = new SetCriterion(numClasses, { eosCoef });
    const logits = layers[1]!.logits.clone().requiresGrad_();
    const boxes = layers[1]!.boxes.clone().requiresGrad_();
    expect(gradcheck((lg, bx) => criterion.forward({ logits: lg!, boxes: bx! }, fixtureTargets()).loss, [logits, boxes])).toBe(true);
  });

  it("gives only the no-object cross-entropy when an image has no objects", () => {
    const criterion = new SetCriterion(numClasses, { eosCoef });
    const empty = [{ labels: tensor([], { dtype: "int32" }), boxes: f64([], [0, 4]) }, { labels: tensor([], { dtype: "int32" }), boxes: f64([], [0, 4]) }];
    const l = criterion.forward(layers[0]!, empty);
    expect(l.lossBbox.item()).toBe(0);
    // every query's target is "no object": the weighted mean is the plain mean of −log p(no object)
    const L = fx.setLoss.layers[0]!.logits;
    let total = 0;
    for (let q = 0; q < shape[0] * shape[1]; q++) {
      const row = L.slice(q * shape[2], (q + 1) * shape[2]);
      total += Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[numClasses]!;
    }
    expect(l.lossCe.item()).toBeCloseTo(total / (shape[0] * shape[1]), 12);
  });
});

describe("DETR", () => {
  it("maps (B, 3, 64, 64) images to per-query logits and sigmoid boxes, with one auxiliary output per earlier decoder layer", () => {
    manualSeed(0);
    const model = new DETR({ numClasses: 5, numQueries: 7, hiddenDim: 16, nheads: 2, numDecoderLayers: 3, backboneWidths: [4, 8, 8] });
    model.eval();
    const images = tensor(Array.from({ length: 2 * 3 * 64 * 64 }, (_, i) => (i % 97) / 97), { shape: [2, 3, 64, 64] });
    const out = noGrad(() => model.forward(images));
    expect(out.logits.shape).toEqual([2, 7, 6]);
    expect(out.boxes.shape).toEqual([2, 7, 4]);
    expect(out.auxOutputs.map((a) => a.boxes.shape)).toEqual([[2, 7, 4], [2, 7, 4]]);
    for (const v of out.boxes.dataSync() as Float32Array) expect(v > 0 && v < 1).toBe(true);
    expect(Object.keys(model.stateDict())).toEqual(expect.arrayContaining([
      "backbone.conv1.weight", "backbone.layers.1.0.downsample.0.weight", "input_proj.weight",
      "transformer.encoder.0.self_attn.in_proj_weight", "transformer.decoder.2.multihead_attn.out_proj.weight",
      "transformer.decoder_norm.weight", "query_embed.weight", "class_embed.bias", "bbox_embed.layers.2.weight",
    ]));
  });

  it("explains a bad input", () => {
    const model = new DETR({ numClasses: 2, hiddenDim: 8, nheads: 2, backboneWidths: [4, 4] });
    expect(() => model.forward(tensor([1, 2, 3]))).toThrow(/DETR.forward: images must be a \(B, C, H, W\) tensor, got shape \[3\]/);
    expect(() => new DETR({ numClasses: 2, hiddenDim: 6, nheads: 4 })).toThrow(/hiddenDim 6 must be divisible by nheads 4/);
  });
});
