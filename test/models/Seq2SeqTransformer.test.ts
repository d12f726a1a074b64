// models.Seq2SeqTransformer against PyTorch's translation tutorial model (test/fixtures/models/make_seq2seq_transformer_fixture.py),
// its masks (causal, padding), decoding, cross-attention maps, learning to reverse sequences, and its errors.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { models } from "../../src/index.js";
import { fromJson, maxRelErr, type TensorJson } from "../nn/fixture.js";

const ref = JSON.parse(readFileSync(new URL("../fixtures/models/seq2seq_transformer_reference.json", import.meta.url), "utf8")) as {
  cases: {
    config: models.Seq2SeqTransformerConfig; src: TensorJson; tgtIn: TensorJson; tgtOut: TensorJson;
    state: Record<string, TensorJson>; logits: TensorJson; loss: number; grads: Record<string, TensorJson>;
  }[];
};

const ids = (rows: number[][]): ds.Tensor => ds.tensor(rows, { dtype: "int32" });
const tiny = (options: Partial<models.Seq2SeqTransformerConfig> = {}): models.Seq2SeqTransformer =>
  new models.Seq2SeqTransformer({ srcVocabSize: 9, tgtVocabSize: 7, dModel: 8, nHead: 2, dimFeedforward: 16, dropout: 0, maxLen: 16, dtype: "float64", generator: new ds.Generator(3), ...options });

describe("Seq2SeqTransformer equals PyTorch's translation-tutorial model", () => {
  for (const c of ref.cases) {
    it(`logits, loss and every gradient on padded sources and targets (normFirst ${c.config.normFirst}); the tutorial's state dict loads`, () => {
      const model = new models.Seq2SeqTransformer({ ...c.config, dtype: "float64" });
      expect(Object.keys(model.stateDict()).sort()).toEqual(Object.keys(c.state).sort());
      model.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromJson(v)])));
      const logits = model.call(fromJson(c.src), fromJson(c.tgtIn));
      expect(maxRelErr(logits, c.logits)).toBeLessThan(1e-10);
      const loss = ds.nn.functional.crossEntropy(logits.reshape(-1, c.config.tgtVocabSize), fromJson(c.tgtOut).reshape(-1), { ignoreIndex: 0 });
      expect(Math.abs(loss.item() - c.loss)).toBeLessThan(1e-10);
      loss.backward();
      const params = Object.fromEntries(model.namedParameters());
      expect(Object.keys(params).sort()).toEqual(Object.keys(c.grads).sort());
      for (const [name, g] of Object.entries(c.grads)) expect(maxRelErr(params[name]!.grad!, g), name).toBeLessThan(1e-10);
    });
  }
});

describe("Seq2SeqTransformer masks", () => {
  const src = ids([[3, 4, 5, 6], [7, 8, 3, 0]]);

  it("maps (B, S) and (B, T) token ids to logits (B, T, tgtVocabSize)", () => {
    expect(tiny().call(src, ids([[1, 3, 4], [1, 5, 6]])).shape).toEqual([2, 3, 7]);
  });

  it("is causal: the logits at position t do not depend on later target tokens (and do on earlier ones)", () => {
    const model = tiny();
    const a = model.call(src, ids([[1, 3, 4, 5, 6], [1, 5, 6, 3, 3]]));
    const b = model.call(src, ids([[1, 3, 4, 6, 3], [1, 5, 6, 5, 4]])); // positions 3 and 4 changed
    expect(maxRelErr(a.narrow(1, 0, 3), { shape: [2, 3, 7], dtype: "float64", data: b.narrow(1, 0, 3).toList() as number[] })).toBe(0);
    expect(maxRelErr(a.narrow(1, 3, 2), { shape: [2, 2, 7], dtype: "float64", data: b.narrow(1, 3, 2).toList() as number[] })).toBeGreaterThan(1e-3);
    const c = model.call(src, ids([[1, 4, 4, 5, 6], [1, 5, 6, 3, 3]])); // position 1 of row 0 changed: every later position of row 0 moves
    for (let t = 1; t < 5; t++) expect(maxRelErr(c.select(0, 0).select(0, t), { shape: [7], dtype: "float64", data: a.select(0, 0).select(0, t).toList() as number[] })).toBeGreaterThan(1e-6);
  });

  it("ignores source padding: extra padding columns leave the logits unchanged", () => {
    const model = tiny();
    const tgtIn = ids([[1, 3, 4], [1, 5, 6]]);
    const plain = model.call(src, tgtIn);
    const padded = model.call(ids([[3, 4, 5, 6, 0, 0], [7, 8, 3, 0, 0, 0]]), tgtIn);
    expect(maxRelErr(padded, { shape: [...plain.shape], dtype: "float64", data: plain.toList() as number[] })).toBeLessThan(1e-12);
  });

  it("crossAttention returns the weights each decoder layer's own cross-attention computes: rows sum to 1, padding gets 0", () => {
    const model = tiny({ normFirst: true });
    const tgtIn = ids([[1, 3, 4], [1, 5, 6]]);
    // Record what every layer's multiheadAttn computes inside an ordinary forward (weights forced on).
    const seen: ds.Tensor[] = [];
    for (const layer of model.transformer.decoder.layers) {
      const mha = layer.multiheadAttn, original = mha.forward.bind(mha);
      mha.forward = (q, k, v, o = {}) => {
        const out = original(q, k, v, { ...o, needWeights: true });
        seen.push(out[1]!);
        return out;
      };
    }
    model.eval();
    model.call(src, tgtIn);
    const maps = model.crossAttention(src, tgtIn);
    expect(maps).toHaveLength(2);
    maps.forEach((w, layer) => {
      expect(w.shape).toEqual([2, 3, 4]);
      expect(maxRelErr(w, { shape: [2, 3, 4], dtype: "float64", data: seen[layer]!.toList() as number[] })).toBeLessThan(1e-12);
      for (const s of w.sum(-1).toList() as number[]) expect(s).toBeCloseTo(1, 12);
      expect(w.select(0, 1).select(1, 3).toList()).toEqual([0, 0, 0]); // row 1's source position 3 is padding
    });
  });
});

describe("Seq2SeqTransformer decoding", () => {
  it("greedyDecode emits the argmax of the forward logits fed its own output; beam width 1 equals greedy", () => {
    const model = tiny();
    model.eval();
    const src = ids([[3, 4, 5, 6], [7, 8, 3, 0]]);
    const greedy = model.greedyDecode(src, { bos: 1, eos: 2, maxLength: 6 });
    greedy.forEach((h, b) => {
      const fed = ids([[1, ...h.tokens.slice(0, -1)]]);
      const logits = model.call(src.narrow(0, b, 1), fed); // (1, n, V)
      expect(logits.argmax(-1).toList()).toEqual(h.tokens);
      expect(h.tokens.length === 6 || h.tokens.at(-1) === 2).toBe(true);
    });
    expect(model.beamDecode(src, { bos: 1, eos: 2, maxLength: 6, beamWidth: 1 }).map((h) => h.tokens)).toEqual(greedy.map((h) => h.tokens));
  });

  it("beamDecode's log-probability of each hypothesis equals the teacher-forced log-probability of its tokens (padded sources too)", () => {
    const model = tiny();
    model.eval();
    const src = ids([[3, 4, 5, 6], [7, 8, 3, 0], [5, 5, 0, 0]]);
    const beams = model.beamDecode(src, { bos: 1, eos: 2, maxLength: 6, beamWidth: 3 });
    beams.forEach((h, b) => {
      const logProbs = model.call(src.narrow(0, b, 1), ids([[1, ...h.tokens.slice(0, -1)]])).logSoftmax(-1).select(0, 0); // (n, V)
      const teacherForced = h.tokens.reduce((sum, token, t) => sum + (logProbs.select(0, t).select(0, token).item() as number), 0);
      expect(h.logProb).toBeCloseTo(teacherForced, 10);
    });
  });

  it("learns to reverse short sequences in 300 steps: greedy exact match ≥ 90 % on 64 held-out ones", () => {
    // Digits 3..10 in sequences of 3 to 5, reversed. Reversal needs positions (source and target) and the causal mask.
    ds.manualSeed(0);
    const g = new ds.Generator(0);
    const draw = (n: number): number[][] => Array.from({ length: n }, () => Array.from({ length: g.randint(3, 6) }, () => g.randint(3, 11)));
    const batch = (rows: number[][]) => {
      const S = 5;
      return {
        src: ids(rows.map((r) => [...r, ...new Array<number>(S - r.length).fill(0)])),
        tgtIn: ids(rows.map((r) => [1, ...[...r].reverse(), ...new Array<number>(S - r.length).fill(0)])),
        tgtOut: ids(rows.map((r) => [...[...r].reverse(), 2, ...new Array<number>(S - r.length).fill(0)])),
      };
    };
    const model = new models.Seq2SeqTransformer({ srcVocabSize: 11, tgtVocabSize: 11, dModel: 32, nHead: 4, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64, dropout: 0, maxLen: 8, generator: g });
    const opt = new ds.optim.Adam(model.parameters(), { lr: 3e-3 });
    for (let step = 0; step < 300; step++) {
      const { src, tgtIn, tgtOut } = batch(draw(32));
      const logits = model.call(src, tgtIn);
      const loss = ds.nn.functional.crossEntropy(logits.reshape(-1, 11), tgtOut.reshape(-1), { ignoreIndex: 0 });
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    model.eval();
    const test = draw(64);
    const out = model.greedyDecode(batch(test).src, { bos: 1, eos: 2, maxLength: 6 });
    const exact = out.filter((h, i) => h.tokens.join() === [...[...test[i]!].reverse(), 2].join()).length / test.length;
    expect(exact).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});

describe("Seq2SeqTransformer errors", () => {
  const model = tiny();

  it("names the model and the shapes for a sequence longer than the positional table, ids outside the vocabulary and wrong dtypes", () => {
    expect(() => model.call(ds.zeros([1, 17], { dtype: "int32" }).add(3), ids([[1]]))).toThrow("Seq2SeqTransformer: src [1,17] has 17 tokens, more than the positional table's maxLen 16");
    expect(() => model.call(ids([[3, 4]]), ids([[1, 9]]))).toThrow("Seq2SeqTransformer: tgtIn [1,2] holds token id 9 at row 0, position 1, outside the target vocabulary [0, 7)");
    expect(() => model.call(ids([[3, -1]]), ids([[1]]))).toThrow("Seq2SeqTransformer: src [1,2] holds token id -1 at row 0, position 1, outside the source vocabulary [0, 9)");
    expect(() => model.call(ds.tensor([[3, 4]]), ids([[1]]))).toThrow("Seq2SeqTransformer: src must be an int32 (B, S) tensor of token ids, got float32 [1,2]");
    expect(() => model.call(ids([[3, 4], [0, 0]]), ids([[1], [1]]))).toThrow("Seq2SeqTransformer: src [2,2] row 1 is all padding (token 0)");
    expect(() => model.call(ids([[3, 4]]), ids([[1], [1]]))).toThrow("Seq2SeqTransformer: tgtIn [2,1] and memory [1,2,8] must have the same batch size");
    expect(() => model.greedyDecode(ids([[3, 4]]), { bos: 1, eos: 2, maxLength: 20 })).toThrow("Seq2SeqTransformer.greedyDecode: maxLength 20 is longer than the positional table's maxLen 16");
  });

  it("rejects a width not divisible by the heads, a padding id outside the vocabularies and unknown config fields", () => {
    expect(() => new models.Seq2SeqTransformer({ srcVocabSize: 5, tgtVocabSize: 5, dModel: 10, nHead: 4 })).toThrow("Seq2SeqTransformer: dModel 10 must be divisible by nHead 4");
    expect(() => new models.Seq2SeqTransformer({ srcVocabSize: 5, tgtVocabSize: 3, padIdx: 4 })).toThrow("Seq2SeqTransformer: padIdx must be a token id of both vocabularies (0 ≤ padIdx < 3), got 4");
    expect(() => new models.Seq2SeqTransformer({ srcVocabSize: 5, tgtVocabSize: 5, nhead: 2 } as never)).toThrow("Seq2SeqTransformer: unknown config field(s) nhead");
  });
});
