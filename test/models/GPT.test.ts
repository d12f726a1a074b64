// models.GPT against nanoGPT's model in PyTorch (test/fixtures/models/make_gpt_fixture.py), and its sampling.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { models } from "../../src/index.js";
import { fromJson, maxRelErr, type TensorJson } from "../nn/fixture.js";

const ref = JSON.parse(readFileSync(new URL("../fixtures/models/gpt_reference.json", import.meta.url), "utf8")) as {
  cases: {
    config: models.GPTConfig; state: Record<string, TensorJson>; idx: TensorJson; targets: TensorJson;
    logits: TensorJson; loss: number; grads: Record<string, TensorJson>;
  }[];
};

const tiny = (dtype: ds.DType = "float64"): models.GPT =>
  new models.GPT({ vocabSize: 11, blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 8, dtype, generator: new ds.Generator(4) });

describe("GPT equals nanoGPT", () => {
  for (const c of ref.cases) {
    it(`logits, loss and every gradient (bias ${c.config.bias}); nanoGPT's state dict loads unchanged`, () => {
      const gpt = new models.GPT({ ...c.config, dtype: "float64" });
      expect(Object.keys(gpt.stateDict()).sort()).toEqual(Object.keys(c.state).sort());
      gpt.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromJson(v)])));
      expect(gpt.lmHead.weight).toBe(gpt.transformer.wte.weight); // tied
      const { logits, loss } = gpt.forward(fromJson(c.idx), { targets: fromJson(c.targets) });
      expect(maxRelErr(logits, c.logits)).toBeLessThan(1e-10);
      expect(Math.abs(loss!.item() - c.loss)).toBeLessThan(1e-10);
      loss!.backward();
      const params = Object.fromEntries(gpt.namedParameters());
      expect(Object.keys(params).sort()).toEqual(Object.keys(c.grads).sort());
      for (const [name, g] of Object.entries(c.grads)) expect(maxRelErr(params[name]!.grad!, g), name).toBeLessThan(1e-10);
    });
  }

  it("rejects a sequence longer than the block size and a width not divisible by the heads", () => {
    const gpt = tiny();
    expect(() => gpt.forward(ds.zeros([1, 13], { dtype: "int32" }))).toThrow("GPT: sequence of 13 tokens is longer than blockSize 12 (idx shape [1,13])");
    expect(() => new models.GPT({ vocabSize: 5, blockSize: 4, nLayer: 1, nHead: 3, nEmbd: 8 })).toThrow("GPT: nEmbd 8 must be divisible by nHead 3");
  });
});

describe("GPT.generate", () => {
  const prompt = ds.tensor([[1, 2, 3], [4, 5, 6]], { dtype: "int32" });

  it("generates the same tokens with the KV cache as without it, past the block size too", () => {
    const gpt = tiny();
    for (const options of [{}, { temperature: 0.7, topK: 4 }, { topP: 0.8 }]) {
      const cached = gpt.generate(prompt, 15, { ...options, generator: new ds.Generator(9), useCache: true }).toList();
      const plain = gpt.generate(prompt, 15, { ...options, generator: new ds.Generator(9), useCache: false }).toList();
      expect(cached).toEqual(plain);
      expect(cached.length).toBe(2 * 18);
    }
  });

  it("the cached forward equals the full forward position by position", () => {
    const gpt = tiny();
    const idx = ds.tensor([[3, 1, 4, 1, 5, 9, 2]], { dtype: "int32" });
    const full = gpt.forward(idx).logits; // (1, 7, 11)
    const cache = new models.KVCache(2);
    const first = gpt.forward(idx.slice(1, 0, 4), { cache }).logits; // prompt of 4, then 2 and 1 tokens
    const second = gpt.forward(idx.slice(1, 4, 6), { cache }).logits;
    const third = gpt.forward(idx.slice(1, 6, 7), { cache }).logits;
    const joined = ds.cat([first, second, third], 1).toList(), expected = full.toList();
    for (let i = 0; i < expected.length; i++) expect(Math.abs(joined[i]! - expected[i]!)).toBeLessThan(1e-12);
  });

  it("topK 1 is greedy decoding (the argmax of the last logits)", () => {
    const gpt = tiny();
    const out = gpt.generate(prompt, 1, { topK: 1, generator: new ds.Generator(1) });
    const logits = gpt.forward(prompt).logits.slice(1, 2, 3).reshape(2, 11);
    expect(out.slice(1, 3, 4).reshape(2).toList()).toEqual(logits.argmax(1).toList());
  });

  it("samples from the nucleus only: with topP tiny every draw is the most likely token", () => {
    const gpt = tiny();
    const greedy = gpt.generate(prompt, 6, { topK: 1 }).toList();
    expect(gpt.generate(prompt, 6, { topP: 1e-9, generator: new ds.Generator(3) }).toList()).toEqual(greedy);
  });

  it("a tiny GPT overfits one batch", () => {
    const gpt = tiny("float32");
    const x = ds.tensor([[1, 2, 3, 4, 5, 6, 7, 8]], { dtype: "int32" }), y = ds.tensor([[2, 3, 4, 5, 6, 7, 8, 9]], { dtype: "int32" });
    const opt = new ds.optim.AdamW(gpt.parameters(), { lr: 3e-2 });
    let loss = Infinity;
    for (let i = 0; i < 60; i++) {
      opt.zeroGrad();
      const l = gpt.forward(x, { targets: y }).loss!;
      l.backward();
      opt.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.05);
    expect(gpt.generate(x.slice(1, 0, 3), 5, { topK: 1 }).toList()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
