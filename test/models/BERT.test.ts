// models.BERT and maskTokens: BERT's 80/10/10 masking rule, weight tying, padding, the heads' shapes and bad input.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { models } from "../../src/index.js";
import { fromJson, maxRelErr, type TensorJson } from "../nn/fixture.js";

const ref = JSON.parse(readFileSync(new URL("../fixtures/models/bert_reference.json", import.meta.url), "utf8")) as {
  cases: {
    config: models.BERTConfig; state: Record<string, TensorJson>; ids: TensorJson; tokenTypeIds: TensorJson; attentionMask: TensorJson;
    mlmLabels: TensorJson; classLabels: TensorJson; lastHiddenState: TensorJson; poolerOutput: TensorJson; mlmLogits: TensorJson;
    classLogits: TensorJson; mlmLoss: number; classLoss: number; grads: Record<string, TensorJson>;
  }[];
};

const [PAD, CLS, SEP, MASK] = [0, 2, 3, 4];

const tiny = (overrides: Partial<models.BERTConfig> = {}): models.BERT =>
  new models.BERT({
    vocabSize: 11, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, maxPositionEmbeddings: 8, numLabels: 3,
    dtype: "float64", generator: new ds.Generator(3), ...overrides,
  });

describe("maskTokens (BERT's 80/10/10 rule)", () => {
  // rows of [CLS] w1 … wn [SEP] [PAD]…, words drawn from ids 5…V−1, so the specials sit at known places
  const V = 1000, rows = 1000, words = 300, T = words + 6;
  const gen = new ds.Generator(11);
  const ids = new Int32Array(rows * T).fill(PAD);
  for (let b = 0; b < rows; b++) {
    ids[b * T] = CLS;
    for (let t = 1; t <= words; t++) ids[b * T + t] = gen.randint(5, V);
    ids[b * T + words + 1] = SEP;
  }
  const input = ds.tensor(ids, { dtype: "int32", shape: [rows, T] });
  const options = { vocabSize: V, maskTokenId: MASK, specialTokenIds: [PAD, CLS, SEP] };
  const { inputIds, labels } = models.maskTokens(input, { ...options, generator: new ds.Generator(5) });
  const out = inputIds.dataSync(), lab = labels.dataSync();

  it("chooses round(0.15 · n) of each row's n non-special positions, never a special one; labels are -100 elsewhere", () => {
    for (let b = 0; b < rows; b++) {
      let chosen = 0;
      for (let t = 0; t < T; t++) {
        const i = b * T + t;
        const special = t === 0 || t > words;
        if (lab[i] === -100) {
          expect(out[i]).toBe(ids[i]); // an unchosen position is never altered
        } else {
          expect(special).toBe(false);
          expect(lab[i]).toBe(ids[i]); // the label is the original token
          chosen++;
        }
      }
      expect(chosen).toBe(45); // round(0.15 · 300)
    }
  });

  it("replaces 80 % of the chosen by [MASK], 10 % by a random token, keeps 10 % (n = 45,000, within 4 σ)", () => {
    // A random replacement is uniform over the V ids, so it is [MASK] or the original token with 1/V each:
    // P(mask) = 0.8 + 0.1/V, P(unchanged) = 0.1 + 0.1/V, P(other) = 0.1 · (1 − 2/V). σ = √(p(1 − p)/n).
    let n = 0, masked = 0, unchanged = 0, other = 0;
    for (let i = 0; i < lab.length; i++) {
      if (lab[i] === -100) continue;
      n++;
      if (out[i] === MASK) masked++;
      else if (out[i] === ids[i]) unchanged++;
      else other++;
    }
    expect(n).toBe(45_000);
    const within = (count: number, p: number): void => {
      const sigma = Math.sqrt((p * (1 - p)) / n); // 0.0019 for p = 0.8, 0.0014 for p = 0.1
      expect(Math.abs(count / n - p)).toBeLessThan(4 * sigma);
    };
    within(masked, 0.8 + 0.1 / V);
    within(unchanged, 0.1 + 0.1 / V);
    within(other, 0.1 * (1 - 2 / V));
  });

  it("chooses every word position equally often (first, middle and last word at 0.15, n = 1,000 rows, within 4 σ)", () => {
    const sigma = Math.sqrt((0.15 * 0.85) / rows);
    for (const t of [1, 150, words]) {
      let chosen = 0;
      for (let b = 0; b < rows; b++) if (lab[b * T + t] !== -100) chosen++;
      expect(Math.abs(chosen / rows - 0.15)).toBeLessThan(4 * sigma);
    }
  });

  it("draws random replacements from the whole vocabulary (both halves, n ≈ 4,500, within 4 σ)", () => {
    let low = 0, total = 0;
    for (let i = 0; i < lab.length; i++) {
      if (lab[i] === -100 || out[i] === MASK || out[i] === ids[i]) continue;
      total++;
      if (out[i]! < V / 2) low++;
    }
    // ids 5…999 drawn uniformly over 0…999, excluding [MASK] and the original: about half fall below 500
    expect(Math.abs(low / total - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / total));
  });

  it("is reproducible with the same generator seed and differs with another", () => {
    const again = models.maskTokens(input, { ...options, generator: new ds.Generator(5) });
    expect(again.inputIds.toList()).toEqual(inputIds.toList());
    expect(again.labels.toList()).toEqual(labels.toList());
    const other = models.maskTokens(input, { ...options, generator: new ds.Generator(6) });
    expect(other.labels.toList()).not.toEqual(labels.toList());
  });

  it("chooses at least one position in a short row, none in a row of specials only", () => {
    const short = ds.tensor([[CLS, 7, 8, SEP], [CLS, SEP, PAD, PAD]], { dtype: "int32" });
    const { labels: l } = models.maskTokens(short, { ...options, generator: new ds.Generator(1) });
    const rowsOut = l.toList() as number[];
    expect(rowsOut.slice(0, 4).filter((v) => v !== -100)).toHaveLength(1); // max(1, round(0.15 · 2))
    expect(rowsOut.slice(4)).toEqual([-100, -100, -100, -100]);
  });

  it("rejects bad arguments with sentences naming maskTokens", () => {
    expect(() => models.maskTokens(ds.zeros([2, 3]), options)).toThrow("maskTokens: inputIds must be an int32 (B, T) tensor, got float32 [2,3]");
    expect(() => models.maskTokens(input, { ...options, maskTokenId: V })).toThrow(`maskTokens: maskTokenId ${V} is outside the vocabulary of ${V}`);
    expect(() => models.maskTokens(input, { ...options, mlmProbability: 0 })).toThrow("maskTokens: mlmProbability must be in (0, 1], got 0");
    expect(() => models.maskTokens(input, { ...options, probability: 0.2 } as never)).toThrow("maskTokens: unknown option(s) probability");
  });
});

describe("BERT", () => {
  it("equals the same BERT built from PyTorch modules: outputs, both losses and every gradient (float64, 1e-10)", () => {
    const c = ref.cases[0]!;
    const bert = new models.BERT({ ...c.config, dtype: "float64" });
    expect(Object.keys(bert.stateDict()).sort()).toEqual(Object.keys(c.state).sort());
    bert.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromJson(v)])));
    const inputs = { tokenTypeIds: fromJson(c.tokenTypeIds), attentionMask: fromJson(c.attentionMask) };
    const ids = fromJson(c.ids);
    const { lastHiddenState, poolerOutput } = bert.forward(ids, inputs);
    expect(maxRelErr(lastHiddenState, c.lastHiddenState)).toBeLessThan(1e-10);
    expect(maxRelErr(poolerOutput, c.poolerOutput)).toBeLessThan(1e-10);
    const mlm = bert.maskedLM(ids, { ...inputs, labels: fromJson(c.mlmLabels) });
    const cls = bert.classify(ids, { ...inputs, labels: fromJson(c.classLabels) });
    expect(maxRelErr(mlm.logits, c.mlmLogits)).toBeLessThan(1e-10);
    expect(maxRelErr(cls.logits, c.classLogits)).toBeLessThan(1e-10);
    expect(Math.abs(mlm.loss!.item() - c.mlmLoss)).toBeLessThan(1e-10);
    expect(Math.abs(cls.loss!.item() - c.classLoss)).toBeLessThan(1e-10);
    mlm.loss!.add(cls.loss!).backward();
    const params = Object.fromEntries(bert.namedParameters());
    expect(Object.keys(params).sort()).toEqual(Object.keys(c.grads).sort());
    for (const [name, g] of Object.entries(c.grads)) expect(maxRelErr(params[name]!.grad!, g), name).toBeLessThan(1e-10);
  });

  it("ties the MLM decoder to the word embeddings: one tensor, receiving both gradients", () => {
    const bert = tiny();
    bert.eval(); // no dropout, so the two models below see the same computation
    const table = bert.embeddings.wordEmbeddings.weight;
    expect(bert.mlmHead.decoder.weight).toBe(table);
    expect([...bert.parameters()].filter((p) => p === table)).toHaveLength(1); // counted once
    expect(bert.mlmHead.decoder.bias).not.toBeNull();
    const ids = ds.tensor([[CLS, 5, 6, 7]], { dtype: "int32" });
    // rows 8–10 are no input here, so their gradient comes from the decoder alone
    bert.maskedLM(ids, { labels: ds.tensor([[-100, 5, -100, 7]], { dtype: "int32" }) }).loss!.backward();
    const grad = table.grad!.toList() as number[];
    expect(grad.slice(8 * 8, 11 * 8).some((g) => g !== 0)).toBe(true);
    const decoderOnly = tiny();
    decoderOnly.eval();
    decoderOnly.mlmHead.decoder.weight = new ds.nn.Parameter(decoderOnly.embeddings.wordEmbeddings.weight.detach().clone()); // untied copy
    decoderOnly.maskedLM(ids, { labels: ds.tensor([[-100, 5, -100, 7]], { dtype: "int32" }) }).loss!.backward();
    const fromEmbedding = decoderOnly.embeddings.wordEmbeddings.weight.grad!.toList() as number[];
    const fromDecoder = decoderOnly.mlmHead.decoder.weight.grad!.toList() as number[];
    grad.forEach((g, i) => expect(g).toBeCloseTo(fromEmbedding[i]! + fromDecoder[i]!, 12));
  });

  it("the MLM loss is the mean cross-entropy over the labelled positions only", () => {
    const bert = tiny();
    bert.eval();
    const ids = ds.tensor([[CLS, 5, MASK, 7, SEP], [CLS, MASK, 9, 10, SEP]], { dtype: "int32" });
    const labels = ds.tensor([[-100, -100, 6, -100, -100], [-100, 8, -100, 3, -100]], { dtype: "int32" });
    const { logits, loss } = bert.maskedLM(ids, { labels });
    expect(logits.shape).toEqual([2, 5, 11]);
    const logp = ds.nn.functional.logSoftmax(logits, -1).toList() as number[];
    const at = (b: number, t: number, v: number): number => logp[(b * 5 + t) * 11 + v]!;
    expect(loss!.item()).toBeCloseTo(-(at(0, 2, 6) + at(1, 1, 8) + at(1, 3, 3)) / 3, 12);
  });

  it("padding: outputs at real positions do not depend on the tokens under the attention mask", () => {
    const bert = tiny();
    bert.eval();
    const attentionMask = ds.tensor([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]], { dtype: "int32" });
    const a = ds.tensor([[CLS, 5, 6, SEP, PAD, PAD], [CLS, 7, 8, 9, 10, SEP]], { dtype: "int32" });
    const b = ds.tensor([[CLS, 5, 6, SEP, 9, 10], [CLS, 7, 8, 9, 10, SEP]], { dtype: "int32" });
    const real = (t: ds.Tensor): number[] => (t.toList() as number[]).slice(0, 4 * 8); // row 0, positions 0–3
    const outA = bert.forward(a, { attentionMask }), outB = bert.forward(b, { attentionMask });
    expect(Math.max(...real(outA.lastHiddenState).map((v, i) => Math.abs(v - real(outB.lastHiddenState)[i]!)))).toBeLessThan(1e-12);
    expect(Math.max(...(outA.poolerOutput.toList() as number[]).map((v, i) => Math.abs(v - (outB.poolerOutput.toList() as number[])[i]!)))).toBeLessThan(1e-12);
    // without the mask the pad tokens are attended to, and the real positions change
    const unmaskedA = real(bert.forward(a).lastHiddenState), unmaskedB = real(bert.forward(b).lastHiddenState);
    expect(Math.max(...unmaskedA.map((v, i) => Math.abs(v - unmaskedB[i]!)))).toBeGreaterThan(1e-6); // 7.7e-4 here, against < 1e-12 with the mask
    // a boolean mask works the same
    const boolMask = attentionMask.eq(1);
    expect(real(bert.forward(a, { attentionMask: boolMask }).lastHiddenState)).toEqual(real(outA.lastHiddenState));
  });

  it("segment ids change the output through their own embedding table", () => {
    const bert = tiny();
    bert.eval();
    const ids = ds.tensor([[CLS, 5, SEP, 6, SEP]], { dtype: "int32" });
    const zerosOut = bert.forward(ids).lastHiddenState.toList() as number[];
    const sameOut = bert.forward(ids, { tokenTypeIds: ds.zeros([1, 5], { dtype: "int32" }) }).lastHiddenState.toList() as number[];
    expect(sameOut).toEqual(zerosOut);
    const pairOut = bert.forward(ids, { tokenTypeIds: ds.tensor([[0, 0, 0, 1, 1]], { dtype: "int32" }) }).lastHiddenState.toList() as number[];
    expect(pairOut).not.toEqual(zerosOut);
  });

  it("shapes: hidden states (B, T, H), pooled [CLS] (B, H), class logits (B, numLabels) and a scalar loss", () => {
    const bert = tiny();
    const ids = ds.tensor([[CLS, 5, 6, SEP], [CLS, 7, SEP, PAD]], { dtype: "int32" });
    const attentionMask = ds.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], { dtype: "int32" });
    const { lastHiddenState, poolerOutput } = bert.forward(ids, { attentionMask });
    expect(lastHiddenState.shape).toEqual([2, 4, 8]);
    expect(poolerOutput.shape).toEqual([2, 8]);
    expect(Math.max(...(poolerOutput.toList() as number[]).map(Math.abs))).toBeLessThanOrEqual(1); // tanh
    const { logits, loss } = bert.classify(ids, { attentionMask, labels: ds.tensor([2, 0], { dtype: "int32" }) });
    expect(logits.shape).toEqual([2, 3]);
    expect(loss!.shape).toEqual([]);
    loss!.backward();
    expect(bert.classifier.weight.grad).not.toBeNull();
    expect(bert.mlmHead.dense.weight.grad).toBeNull(); // classification does not touch the MLM head
    expect(bert.classify(ids).loss).toBeNull();
  });

  it("initializes as BERT: N(0, 0.02) weights, zero biases, a zero padding row, unit LayerNorms", () => {
    const bert = new models.BERT({ vocabSize: 500, hiddenSize: 64, numHiddenLayers: 1, numAttentionHeads: 4, generator: new ds.Generator(0) });
    const table = bert.embeddings.wordEmbeddings.weight.toList() as number[];
    expect(table.slice(0, 64).every((v) => v === 0)).toBe(true); // padTokenId 0
    const rest = table.slice(64);
    const std = Math.sqrt(rest.reduce((s, v) => s + v * v, 0) / rest.length);
    expect(Math.abs(std - 0.02)).toBeLessThan(0.001); // n = 31,936: σ of the estimate ≈ 0.02/√(2n) = 0.00008
    const layer = bert.encoder.layers.at(0);
    const inProj = layer.selfAttn.inProjWeight!.toList() as number[];
    expect(Math.abs(Math.sqrt(inProj.reduce((s, v) => s + v * v, 0) / inProj.length) - 0.02)).toBeLessThan(0.001);
    expect((layer.selfAttn.inProjBias!.toList() as number[]).every((v) => v === 0)).toBe(true);
    expect((layer.norm1.weight!.toList() as number[]).every((v) => v === 1)).toBe(true);
    expect(layer.normFirst).toBe(false); // post-norm, as BERT
  });

  it("names its parts as PyTorch modules do in the state dict", () => {
    const keys = Object.keys(tiny().stateDict());
    for (const k of [
      "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
      "embeddings.layer_norm.weight", "encoder.layers.0.self_attn.in_proj_weight", "encoder.layers.1.linear2.bias",
      "pooler.dense.weight", "mlm_head.dense.weight", "mlm_head.layer_norm.bias", "mlm_head.decoder.weight", "mlm_head.decoder.bias",
      "classifier.weight",
    ]) {
      expect(keys).toContain(k);
    }
  });

  it("is reproducible: the same generator gives the same weights, and dropout follows manualSeed", () => {
    const a = tiny({ hiddenDropoutProb: 0.1 }), b = tiny({ hiddenDropoutProb: 0.1 });
    const ids = ds.tensor([[CLS, 5, 6, SEP]], { dtype: "int32" });
    ds.manualSeed(1);
    const outA = a.forward(ids).lastHiddenState.toList();
    ds.manualSeed(1);
    expect(b.forward(ids).lastHiddenState.toList()).toEqual(outA);
  });

  it("rejects bad input with sentences naming BERT and the shapes", () => {
    const bert = tiny();
    expect(() => bert.forward(ds.tensor([[CLS, 5, 11]], { dtype: "int32" }))).toThrow("BERT: inputIds holds 11 (element 2 of [1,3]), outside the vocabulary of 11");
    expect(() => bert.forward(ds.tensor([[CLS, -1]], { dtype: "int32" }))).toThrow("BERT: inputIds holds -1 (element 1 of [1,2]), outside the vocabulary of 11");
    expect(() => bert.forward(ds.zeros([1, 9], { dtype: "int32" }))).toThrow("BERT: sequence of 9 tokens is longer than maxPositionEmbeddings 8 (inputIds shape [1,9])");
    expect(() => bert.forward(ds.zeros([1, 4]))).toThrow("BERT: inputIds must be an int32 (B, T) tensor, got float32 [1,4]");
    expect(() => bert.forward(ds.zeros([4], { dtype: "int32" }))).toThrow("BERT: inputIds must be an int32 (B, T) tensor, got int32 [4]");
    const ids = ds.zeros([2, 4], { dtype: "int32" });
    expect(() => bert.forward(ids, { tokenTypeIds: ds.ones([2, 4], { dtype: "int32" }).mul(2) })).toThrow("BERT: tokenTypeIds holds 2 (element 0 of [2,4]), outside typeVocabSize 2");
    expect(() => bert.forward(ids, { tokenTypeIds: ds.zeros([2, 3], { dtype: "int32" }) })).toThrow("BERT: tokenTypeIds must be an int32 [2,4] tensor, got int32 [2,3]");
    expect(() => bert.forward(ids, { attentionMask: ds.ones([2, 5]) })).toThrow("BERT: attentionMask must be a [2,4] tensor like inputIds, got float32 [2,5]");
    expect(() => bert.forward(ids, { mask: ids } as never)).toThrow("BERT: unknown input(s) mask");
    expect(() => bert.maskedLM(ids, { labels: ds.zeros([2, 3], { dtype: "int32" }) })).toThrow("BERT.maskedLM: labels must be an int32 [2,4] tensor, got int32 [2,3]");
    expect(() => bert.classify(ids, { labels: ds.zeros([2, 4], { dtype: "int32" }) })).toThrow("BERT.classify: labels must be an int32 [2] tensor, got int32 [2,4]");
    expect(() => tiny({ hiddenSize: 9, numAttentionHeads: 2 })).toThrow("BERT: hiddenSize 9 must be divisible by numAttentionHeads 2");
    expect(() => tiny({ padTokenId: 11 })).toThrow("BERT: padTokenId 11 is outside the vocabulary of 11");
    expect(() => tiny({ hidden: 8 } as never)).toThrow("BERT: unknown config field(s) hidden");
  });
});
