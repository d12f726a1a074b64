// NGramLM against textbook definitions: hand-written Kneser–Ney arithmetic, an independent Python computation
// (test/fixtures/text/make_ngram_fixture.py), normalization over the vocabulary, seeded sampling.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { NGramLM, type Smoothing } from "../../src/text/NGramLM.js";
import { Generator } from "../../src/random/Generator.js";

interface Case {
  name: string;
  config: { n: number; smoothing: Smoothing; k?: number; discount?: number | [number, number, number] | "auto"; eos?: boolean };
  train: string[][] | null;
  heldOut: string[][] | null;
  vocab: string[];
  discounts: [number, number, number][] | null;
  table: { context: string[]; probs: Record<string, number> }[];
  perplexity: number;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/text/ngram_lm.json", import.meta.url), "utf8")) as { cases: Case[] };
const shakespeare = gunzipSync(readFileSync(new URL("../../data/tinyshakespeare.txt.gz", import.meta.url))).toString("utf8");

const SAM = ["I am Sam", "Sam I am", "I do not like green eggs and ham"].map((s) => s.split(" "));

function close(actual: number, expected: number, what: string): void {
  if (Math.abs(actual - expected) > 1e-12 * Math.max(1, Math.abs(expected))) expect(actual, what).toBe(expected);
}

describe("NGramLM: Kneser–Ney by hand (Jurafsky & Martin's 'I am Sam' corpus, d = 0.75)", () => {
  // Bigram events, with <s> and </s>: 17 tokens, 15 distinct bigrams. V = 10 words + </s> + <unk> = 12.
  // Unigram continuation counts N1+(• w): I 2 (<s>, Sam), am 1, Sam 2 (am, <s>), </s> 3 (Sam, am, ham),
  // do not like green eggs and ham 1 each: 11 types, total 15.
  const d = 0.75;
  const V = 12;
  const pUni = (cont: number): number => Math.max(cont - d, 0) / 15 + ((d * 11) / 15) * (1 / V);
  const lm = new NGramLM(2, { smoothing: "kn", discount: d }).fit(SAM);

  it("the unigram level interpolates continuation counts with the uniform distribution", () => {
    const uni = new NGramLM(2, { smoothing: "kn", discount: d }).fit(SAM);
    // A context never seen ("Bob" → <unk>) passes everything down to the unigram level.
    close(uni.prob("am", ["Bob"]), pUni(1), "P(am | <unk>)");
    close(uni.prob("</s>", ["Bob"]), pUni(3), "P(</s> | <unk>)");
    close(uni.prob("zebra", ["Bob"]), pUni(0), "P(<unk> | <unk>)");
  });

  it("P(am | I) = (2 − d)/3 + (d·2/3)·P_cont(am)", () => {
    // c(I am) = 2, c(I •) = 3 (am, am, do), two distinct continuations.
    close(lm.prob("am", ["I"]), (2 - d) / 3 + ((d * 2) / 3) * pUni(1), "P(am | I)");
    close(lm.prob("do", ["I"]), (1 - d) / 3 + ((d * 2) / 3) * pUni(1), "P(do | I)");
    close(lm.prob("Sam", ["I"]), 0 + ((d * 2) / 3) * pUni(2), "P(Sam | I)");
  });

  it("P(I | <s>) at the start of a sequence = (2 − d)/3 + (d·2/3)·P_cont(I)", () => {
    // c(<s> I) = 2, c(<s> Sam) = 1.
    close(lm.prob("I", []), (2 - d) / 3 + ((d * 2) / 3) * pUni(2), "P(I | <s>)");
  });
});

describe("NGramLM equals the independent Python computation", () => {
  const chars = { train: [Array.from(shakespeare.slice(0, 6000))], heldOut: [Array.from(shakespeare.slice(6000, 7000))] };
  for (const c of fixture.cases) {
    it(`${c.name}: vocabulary, discounts, P(w | h) for every w and perplexity`, () => {
      const train = c.train ?? chars.train;
      const heldOut = c.heldOut ?? chars.heldOut;
      const lm = new NGramLM(c.config.n, {
        smoothing: c.config.smoothing,
        k: c.config.k,
        discount: c.config.discount,
        eos: c.config.eos === false ? null : "</s>",
      }).fit(train);
      expect([...lm.vocab].sort()).toEqual([...c.vocab].sort());
      if (c.discounts) c.discounts.forEach((ds, k) => ds.forEach((v, j) => close(lm.discounts[k]![j]!, v, `discount ${j} of order ${k + 1}`)));
      for (const row of c.table) {
        const dist = lm.distribution(row.context);
        for (const [w, p] of Object.entries(row.probs)) {
          close(lm.prob(w, row.context), p, `P(${w} | ${row.context.join(" ")})`);
          close(dist[lm.vocab.indexOf(w)]!, p, `distribution(${row.context.join(" ")})[${w}]`);
        }
      }
      close(lm.perplexity(heldOut), c.perplexity, "perplexity");
    });
  }
});

describe("NGramLM properties", () => {
  it("probabilities over the vocabulary sum to 1 in every context (random corpora, orders 1–4, every smoothing)", () => {
    const g = new Generator(5);
    const words = "a b c d e f g h".split(" ");
    for (let trial = 0; trial < 24; trial++) {
      const seqs = Array.from({ length: g.randint(3, 12) }, () => Array.from({ length: g.randint(0, 15) }, () => words[g.randint(0, words.length)]!));
      if (seqs.every((s) => s.length === 0)) seqs.push(["a"]);
      const order = 1 + (trial % 4);
      const smoothing = (["addk", "kn", "mkn"] as const)[trial % 3]!;
      const lm = new NGramLM(order, { smoothing, k: 0.3, discount: smoothing === "mkn" ? [0.6, 1.1, 1.4] : 0.8, eos: trial % 2 ? null : "</s>" }).fit(seqs);
      for (let t = 0; t < 10; t++) {
        const context = Array.from({ length: g.randint(0, 5) }, () => [...words, "zz", "<s>"][g.randint(0, words.length + 2)]!);
        const sum = lm.vocab.reduce((s, w) => s + lm.prob(w, context), 0);
        expect(Math.abs(sum - 1), `${smoothing} order ${order} context ${context.join(" ")}`).toBeLessThan(1e-12);
        expect(Math.abs(lm.distribution(context).reduce((s, p) => s + p, 0) - 1)).toBeLessThan(1e-12);
      }
    }
  });

  it("Kneser–Ney beats add-one on held-out text, and a longer context helps", () => {
    const train = [Array.from(shakespeare.slice(0, 40_000))];
    const val = [Array.from(shakespeare.slice(40_000, 44_000))];
    const ppl = (n: number, smoothing: Smoothing) => new NGramLM(n, { smoothing, eos: null }).fit(train).perplexity(val);
    expect(ppl(3, "kn")).toBeLessThan(ppl(3, "addk"));
    expect(ppl(3, "kn")).toBeLessThan(ppl(2, "kn"));
    expect(ppl(2, "kn")).toBeLessThan(ppl(1, "kn"));
  });

  it("sampling is seeded, draws only vocabulary tokens (never <unk>) and stops at </s>", () => {
    const lm = new NGramLM(2, { smoothing: "kn" }).fit(SAM);
    const a = lm.generate({ maxTokens: 50, seed: 3 });
    expect(lm.generate({ maxTokens: 50, seed: 3 })).toEqual(a);
    expect(lm.generate({ maxTokens: 50, generator: new Generator(3) })).toEqual(a);
    const samples = Array.from({ length: 40 }, (_, s) => lm.generate({ maxTokens: 50, seed: s }));
    expect(new Set(samples.map((s) => s.join(" "))).size).toBeGreaterThan(5);
    for (const s of samples) for (const t of s) expect(lm.vocab.includes(t) && t !== "<unk>" && t !== "</s>").toBe(true);
    expect(samples.some((s) => s.length < 50)).toBe(true);
    const fixed = new NGramLM(3, { smoothing: "addk", k: 1e-9 }).fit(SAM);
    expect(fixed.generate({ maxTokens: 10, context: ["I", "do"], seed: 0 })).toEqual("not like green eggs and ham".split(" "));
  });

  it("k may be changed after fit: a model fitted with k = 1 and set to 0.5 equals the k = 0.5 reference", () => {
    const ref = fixture.cases.find((c) => c.name === "sam-trigram-add0.5")!;
    const lm = new NGramLM(3, { smoothing: "addk", k: 1 }).fit(SAM);
    lm.k = 0.5;
    close(lm.perplexity(ref.heldOut!), ref.perplexity, "perplexity");
    expect(() => (lm.k = -1)).toThrow(/NGramLM.k: k must be a finite number ≥ 0, got -1/);
  });

  it("bad input is an error naming the call", () => {
    expect(() => new NGramLM(0)).toThrow(/NGramLM: order must be an integer ≥ 1, got 0/);
    expect(() => new NGramLM(2, { smoothing: "witten-bell" as never })).toThrow(/NGramLM: smoothing must be "addk", "kn" or "mkn"/);
    expect(() => new NGramLM(2, { discount: 1.5 })).toThrow(/discount for "kn" must be a number in \[0, 1\]/);
    expect(() => new NGramLM(2).fit(["I am Sam"] as never)).toThrow(/NGramLM.fit: sequence 0 must be an array of tokens, got a string/);
    expect(() => new NGramLM(2).fit([["a", "</s>"]])).toThrow(/reserved token "<\/s>"/);
    expect(() => new NGramLM(2).prob("a")).toThrow(/NGramLM.prob: the model is not fitted yet/);
  });
});
