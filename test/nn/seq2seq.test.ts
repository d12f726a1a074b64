// Seq2seq attention modules against PyTorch (test/fixtures/seq2seq/make_seq2seq_fixture.py, float64 at
// 1e-10: outputs, weights and the gradients of inputs and parameters), masking, teacher forcing, and
// greedy / beam-search decoding (width 1 equals greedy; beam beats greedy on a constructed decoder).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { nn } from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { fromJson, maxRelErr, type TensorJson } from "./fixture.js";

interface Case {
  name: string; ctor: { kind: "bahdanau" | "dot" | "general"; args: (number | string)[] }; state: Record<string, TensorJson>;
  query: TensorJson; keys: TensorJson; values: TensorJson | null; mask: TensorJson | null;
  context: TensorJson; weights: TensorJson; gContext: TensorJson; gWeights: TensorJson;
  gradQuery: TensorJson; gradKeys: TensorJson; gradValues: TensorJson | null; gradParams: Record<string, TensorJson>;
}
interface ModelCase {
  name: string; attention: "bahdanau" | "dot" | "general"; sizes: [number, number, number, number]; state: Record<string, TensorJson>;
  src: TensorJson; lengths: number[]; tgtIn: TensorJson; logits: TensorJson; attn: TensorJson; gLogits: TensorJson; gAttn: TensorJson;
  gradParams: Record<string, TensorJson>;
}
const ref = JSON.parse(readFileSync(new URL("../fixtures/seq2seq/seq2seq_reference.json", import.meta.url), "utf8")) as { cases: Case[]; models: ModelCase[] };
const TOL = 1e-10;

function build(c: Case["ctor"]): nn.BahdanauAttention | nn.LuongAttention {
  const [a, b, h] = c.args;
  return c.kind === "bahdanau" ? new nn.BahdanauAttention(a as number, b as number, h as number, { dtype: "float64" }) : new nn.LuongAttention(a as number, b as number, c.kind, { dtype: "float64" });
}

describe("BahdanauAttention and LuongAttention equal PyTorch (float64)", () => {
  it("the fixture has every kind", () => {
    expect(new Set(ref.cases.map((c) => c.ctor.kind))).toEqual(new Set(["bahdanau", "dot", "general"]));
  });
  for (const c of ref.cases) {
    it(c.name, () => {
      const m = build(c.ctor);
      expect(m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromJson(v)])))).toEqual({ missingKeys: [], unexpectedKeys: [] });
      const q = fromJson(c.query, { requiresGrad: true }), k = fromJson(c.keys, { requiresGrad: true });
      const v = c.values ? fromJson(c.values, { requiresGrad: true }) : undefined;
      const mask = c.mask ? fromJson(c.mask) : null;
      const [ctx, w] = m.call(q, k, v, { keyPaddingMask: mask });
      expect(maxRelErr(ctx, c.context)).toBeLessThan(TOL);
      expect(maxRelErr(w, c.weights)).toBeLessThan(TOL);
      ctx.mul(fromJson(c.gContext)).sum().add(w.mul(fromJson(c.gWeights)).sum()).backward();
      expect(maxRelErr(q.grad!, c.gradQuery)).toBeLessThan(TOL);
      expect(maxRelErr(k.grad!, c.gradKeys)).toBeLessThan(TOL);
      if (c.gradValues) expect(maxRelErr(v!.grad!, c.gradValues)).toBeLessThan(TOL);
      const params = Object.fromEntries(m.namedParameters());
      expect(Object.keys(params).sort()).toEqual(Object.keys(c.gradParams).sort());
      for (const [name, g] of Object.entries(c.gradParams)) expect(maxRelErr(params[name]!.grad!, g), name).toBeLessThan(TOL);
    });
  }

  it("padded source positions get exactly zero weight, and the unpadded ones sum to one", () => {
    const g = new ds.Generator(3);
    const keys = ds.randn([2, 5, 4], { generator: g }), q = ds.randn([2, 4], { generator: g });
    const mask = ds.tensor([[0, 0, 0, 1, 1], [0, 1, 1, 1, 1]], { dtype: "bool" });
    for (const m of [new nn.BahdanauAttention(4, 4, 3, { generator: g }), new nn.LuongAttention(4, 4, "dot"), new nn.LuongAttention(4, 4, "general", { generator: g })]) {
      const w = m.call(q, keys, undefined, { keyPaddingMask: mask })[1].toList();
      expect([w[3], w[4], w[6], w[7], w[8], w[9]]).toEqual([0, 0, 0, 0, 0, 0]);
      expect(w[0]! + w[1]! + w[2]!).toBeCloseTo(1, 6);
      expect(w[5]).toBeCloseTo(1, 6);
      // the padded keys' contents do not matter
      const changed = keys.add(ds.tensor([0, 0, 0, 100, 100, 0, 100, 100, 100, 100], { shape: [2, 5, 1] }));
      expect(m.call(q, changed, undefined, { keyPaddingMask: mask })[0].toList()).toEqual(m.call(q, keys, undefined, { keyPaddingMask: mask })[0].toList());
    }
  });

  it("bad shapes and arguments are errors that name the module", () => {
    const b = new nn.BahdanauAttention(4, 3, 5), l = new nn.LuongAttention(4, 4, "dot");
    expect(() => b.call(ds.zeros([2, 5]), ds.zeros([2, 6, 3]))).toThrow(/BahdanauAttention: query has feature size 5, expected 4/);
    expect(() => b.call(ds.zeros([2, 4]), ds.zeros([2, 6, 4]))).toThrow(/BahdanauAttention: keys have feature size 4, expected 3/);
    expect(() => b.call(ds.zeros([2, 4]), ds.zeros([3, 6, 3]))).toThrow(/BahdanauAttention: keys batch 3 does not match query batch 2/);
    expect(() => b.call(ds.zeros([2, 4]), ds.zeros([2, 6, 3]), ds.zeros([2, 5, 3]))).toThrow(/BahdanauAttention: values must be/);
    expect(() => l.call(ds.zeros([4]), ds.zeros([2, 6, 4]))).toThrow(/LuongAttention: query must be \(B, Dq\) or \(B, T, Dq\), got shape \[4\]/);
    expect(() => l.call(ds.zeros([2, 4]), ds.zeros([2, 6, 4]), undefined, { keyPaddingMask: ds.zeros([2, 5], { dtype: "bool" }) })).toThrow(/LuongAttention: keyPaddingMask must be \(B, S\) = \(2, 6\)/);
    expect(() => l.call(ds.zeros([2, 4]), ds.zeros([2, 6, 4]), undefined, { keyPaddingMask: ds.zeros([2, 6]) })).toThrow(/LuongAttention: keyPaddingMask must be bool/);
    expect(() => new nn.LuongAttention(4, 3, "dot")).toThrow(/LuongAttention: "dot" needs queryDim = keyDim/);
    expect(() => new nn.LuongAttention(4, 4, "concat" as never)).toThrow(/LuongAttention: score must be/);
    expect(() => new nn.BahdanauAttention(0, 3)).toThrow(/BahdanauAttention: queryDim must be a positive integer/);
  });
});

// ---------------------------------------------------------------- decoding

const EOS = 0, A = 1, B = 2, BOS = 3;
/**
 * A decoder whose next-token distribution depends only on the prefix: greedy takes A (0.599) then A
 * (0.36) then the end (p = 0.209), while B then the end has p = 0.399·0.9 = 0.359.
 */
const toy: nn.SearchDecoder<number[][]> = {
  step(tokens: Tensor, state: number[][]) {
    const prev = tokens.toList();
    const next = state.map((p, i) => (prev[i] === BOS ? p : [...p, prev[i]!]));
    const rows = next.map((p) => {
      const key = p.join(",");
      if (key === "") return [0.001, 0.599, 0.399, 0.001];
      if (key === `${A}`) return [0.3, 0.36, 0.339, 0.001];
      if (key === `${B}`) return [0.9, 0.05, 0.049, 0.001];
      return [0.97, 0.01, 0.01, 0.01];
    });
    return [ds.tensor(rows, { dtype: "float64" }).log(), next, null];
  },
  reorder: (state, rows) => rows.map((r) => state[r]!),
};

describe("greedy and beam search", () => {
  const opts = { bos: BOS, eos: EOS, maxLength: 10 };
  it("on a constructed decoder, beam search finds the more probable sequence that greedy misses", () => {
    const [greedy] = nn.greedySearch(toy, [[]], 1, opts);
    expect(greedy!.tokens).toEqual([A, A, EOS]);
    expect(Math.exp(greedy!.logProb)).toBeCloseTo(0.599 * 0.36 * 0.97, 12);
    const beams = nn.beamSearch(toy, [[]], { ...opts, beamWidth: 2 });
    expect(beams[0]!.tokens).toEqual([B, EOS]);
    expect(Math.exp(beams[0]!.logProb)).toBeCloseTo(0.399 * 0.9, 12);
    expect(beams[0]!.logProb).toBeGreaterThan(greedy!.logProb);
    // width 1 is greedy
    expect(nn.beamSearch(toy, [[]], { ...opts, beamWidth: 1 })[0]!.tokens).toEqual([A, A, EOS]);
  });

  it("keeps searching while an unfinished hypothesis is more probable than the finished ones (unlikely early end tokens do not end the search)", () => {
    // A confident decoder: A with 0.97 for four steps, then the end token with 0.97; the end token's 0.02 earlier
    // puts two improbable short hypotheses in the finished list before the likely one ends.
    const peaked: nn.SearchDecoder<number[]> = {
      step(tokens: Tensor, state: number[]) {
        const lengths = state.map((n, i) => (tokens.toList()[i] === BOS ? n : n + 1));
        const rows = lengths.map((n) => (n < 4 ? [0.02, 0.97, 0.0099, 0.0001] : [0.97, 0.02, 0.0099, 0.0001]));
        return [ds.tensor(rows, { dtype: "float64" }).log(), lengths, null];
      },
      reorder: (state, rows) => rows.map((r) => state[r]!),
    };
    const [best] = nn.beamSearch(peaked, [0], { ...opts, beamWidth: 2 });
    expect(best!.tokens).toEqual([A, A, A, A, EOS]);
    expect(Math.exp(best!.logProb)).toBeCloseTo(0.97 ** 5, 12);
    expect(nn.greedySearch(peaked, [0], 1, opts)[0]!.tokens).toEqual([A, A, A, A, EOS]);
  });

  it("length normalization with a large α prefers the longer finished hypothesis", () => {
    // log(0.359)/(7/6)^α < log(0.209)/(8/6)^α once α > 3.2
    expect(nn.beamSearch(toy, [[]], { ...opts, beamWidth: 3, alpha: 0 })[0]!.tokens).toEqual([B, EOS]);
    expect(nn.beamSearch(toy, [[]], { ...opts, beamWidth: 3, alpha: 4 })[0]!.tokens.length).toBe(3);
  });

  it("maxLength stops unfinished hypotheses; bad options are errors naming the function", () => {
    expect(nn.greedySearch(toy, [[]], 1, { ...opts, maxLength: 2 })[0]!.tokens).toEqual([A, A]);
    expect(nn.beamSearch(toy, [[]], { ...opts, maxLength: 1, beamWidth: 2 })[0]!.tokens).toEqual([A]);
    expect(() => nn.beamSearch(toy, [[]], { ...opts, beamWidth: 0 })).toThrow(/beamSearch: beamWidth must be a positive integer/);
    expect(() => nn.beamSearch(toy, [[]], { ...opts, alpha: -1 })).toThrow(/beamSearch: alpha must be/);
    expect(() => nn.greedySearch(toy, [[]], 1, { ...opts, maxLength: 0 })).toThrow(/greedySearch: maxLength must be ≥ 1/);
    expect(() => nn.greedySearch(toy, [[]], 2, opts)).toThrow(/greedySearch: step must return log-probabilities \(2, V\)/);
  });
});

describe("Seq2Seq", () => {
  for (const c of ref.models) {
    it(`${c.name} equals the same model in PyTorch (logits, attention, every parameter gradient)`, () => {
      const [V, W, E, H] = c.sizes;
      const model = new nn.Seq2Seq(V, W, { embeddingDim: E, hiddenSize: H, attention: c.attention, dtype: "float64" });
      expect(model.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromJson(v)])))).toEqual({ missingKeys: [], unexpectedKeys: [] });
      const [logits, attn] = model.call(fromJson(c.src), fromJson(c.tgtIn), { srcLengths: c.lengths });
      expect(maxRelErr(logits, c.logits)).toBeLessThan(TOL);
      expect(maxRelErr(attn, c.attn)).toBeLessThan(TOL);
      logits.mul(fromJson(c.gLogits)).sum().add(attn.mul(fromJson(c.gAttn)).sum()).backward();
      const params = Object.fromEntries(model.namedParameters());
      for (const [name, g] of Object.entries(c.gradParams)) expect(maxRelErr(params[name]!.grad!, g), name).toBeLessThan(TOL);
    });
  }

  const g = new ds.Generator(7);
  const src = ds.randint(3, 12, [4, 6], { generator: g, dtype: "int32" });
  const lengths = [6, 4, 2, 5];
  const srcPadded = ds.tensor(src.toList().map((v, i) => (i % 6 >= lengths[Math.floor(i / 6)]! ? 0 : v)), { shape: [4, 6], dtype: "int32" });
  const tgt = ds.randint(3, 9, [4, 5], { generator: g, dtype: "int32" });

  for (const attention of ["bahdanau", "dot", "general"] as const) {
    it(`${attention}: padding gets zero attention and does not change the outputs`, () => {
      const model = new nn.Seq2Seq(12, 9, { embeddingDim: 6, hiddenSize: 8, attention, generator: new ds.Generator(1), dtype: "float64" });
      const [logits, attn] = model.call(srcPadded, tgt, { srcLengths: lengths });
      expect(logits.shape).toEqual([4, 5, 9]);
      expect(attn.shape).toEqual([4, 5, 6]);
      const w = attn.toList();
      for (let b = 0; b < 4; b++) for (let t = 0; t < 5; t++) for (let s = lengths[b]!; s < 6; s++) expect(w[(b * 5 + t) * 6 + s]).toBe(0);
      // row 2 alone, without its padding, gives the same logits
      const alone = model.call(srcPadded.narrow(0, 2, 1).narrow(1, 0, 2), tgt.narrow(0, 2, 1))[0];
      expect(maxRelErr(alone, { shape: [1, 5, 9], dtype: "float64", data: logits.narrow(0, 2, 1).toList() })).toBeLessThan(1e-12);
    });
  }

  it("teacher forcing ratio 0 feeds back the argmax (= greedy decoding); the draws are seeded", () => {
    const model = new nn.Seq2Seq(12, 9, { embeddingDim: 6, hiddenSize: 8, generator: new ds.Generator(2), dtype: "float64" });
    const tgtIn = ds.full([4, 5], 1, { dtype: "int32" });
    const [logits] = model.call(srcPadded, tgtIn, { srcLengths: lengths, teacherForcingRatio: 0, generator: new ds.Generator(0) });
    const argmax = logits.argmax(2).toList();
    const greedy = model.greedyDecode(srcPadded, { bos: 1, eos: 99, maxLength: 5, srcLengths: lengths });
    expect(greedy.map((h) => h.tokens)).toEqual([0, 1, 2, 3].map((b) => argmax.slice(b * 5, b * 5 + 5)));
    const half = (seed: number) => model.call(srcPadded, tgt, { srcLengths: lengths, teacherForcingRatio: 0.5, generator: new ds.Generator(seed) })[0].toList();
    expect(half(3)).toEqual(half(3));
    const full = model.call(srcPadded, tgt, { srcLengths: lengths })[0].toList();
    expect([half(3), half(4), half(5), half(6)].some((h) => h.some((v, i) => v !== full[i]))).toBe(true);
    expect(() => model.call(srcPadded, tgt, { teacherForcingRatio: 0.5 })).toThrow(/Seq2Seq: teacherForcingRatio below 1 needs a generator/);
  });

  it("beam search with width 1 equals greedy decoding; wider beams never score below greedy", () => {
    const model = new nn.Seq2Seq(12, 9, { embeddingDim: 6, hiddenSize: 8, generator: new ds.Generator(4), dtype: "float64" });
    const o = { bos: 1, eos: 2, maxLength: 7, srcLengths: lengths };
    const greedy = model.greedyDecode(srcPadded, o);
    const beam1 = model.beamDecode(srcPadded, { ...o, beamWidth: 1 });
    expect(beam1.map((h) => h.tokens)).toEqual(greedy.map((h) => h.tokens));
    for (let b = 0; b < 4; b++) {
      expect(beam1[b]!.logProb).toBeCloseTo(greedy[b]!.logProb, 10);
      expect(beam1[b]!.attention).toHaveLength(greedy[b]!.tokens.length);
      expect(beam1[b]!.attention[0]!.slice(lengths[b]!)).toEqual(new Array(6 - lengths[b]!).fill(0));
    }
    const beam4 = model.beamDecode(srcPadded, { ...o, beamWidth: 4 });
    for (let b = 0; b < 4; b++) if (greedy[b]!.tokens.at(-1) === 2) expect(beam4[b]!.logProb).toBeGreaterThanOrEqual(greedy[b]!.logProb - 1e-12);
  });

  it("bad inputs are errors naming Seq2Seq", () => {
    const model = new nn.Seq2Seq(12, 9, { embeddingDim: 6, hiddenSize: 8 });
    expect(() => model.call(ds.zeros([4, 6]), tgt)).toThrow(/Seq2Seq: src must be an int32 \(B, S\) Tensor/);
    expect(() => model.call(srcPadded, tgt.narrow(0, 0, 2))).toThrow(/Seq2Seq: tgtIn must be an int32 \(B, T\) Tensor/);
    expect(() => model.call(srcPadded, tgt, { srcLengths: [6, 7, 1, 1] })).toThrow(/Seq2Seq: srcLengths must be 4 integers in 1..6/);
    expect(() => new nn.Seq2Seq(12, 9, { attention: "concat" as never })).toThrow(/Seq2Seq: attention must be/);
  });
});
