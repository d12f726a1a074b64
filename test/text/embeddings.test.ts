// Word embeddings: closed-form pieces against hand-computed values, fastText's hash and n-grams against an
// independent Python reimplementation of its C++, and planted analogies recovered by SGNS, CBOW and GloVe.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { charNgrams, FastText, fnv1a, GloVe, gloveWeight, keepProbability, noiseDistribution, plantedAnalogyCorpus, Word2Vec, WordVectors } from "../../src/text/index.js";
import { Generator } from "../../src/random/Generator.js";

interface FastTextFixture {
  bucket: number;
  cases: { word: string; minn: number; maxn: number; ngrams: string[]; hashes: number[]; buckets: number[] }[];
  hashes: Record<string, number>;
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures/text/fasttext_subwords.json"), "utf8")) as FastTextFixture;

describe("closed forms", () => {
  it("noise distribution ∝ count^0.75", () => {
    // counts 1, 16, 81 → 1, 8, 27 (to the 3/4 power) → /36
    const p = noiseDistribution([1, 16, 81]);
    expect(p[0]).toBeCloseTo(1 / 36, 14);
    expect(p[1]).toBeCloseTo(8 / 36, 14);
    expect(p[2]).toBeCloseTo(27 / 36, 14);
    // power 1 is the unigram distribution; a zero count gets nothing
    expect(Array.from(noiseDistribution([0, 1, 3], 1))).toEqual([0, 0.25, 0.75]);
    expect(() => noiseDistribution([0, 0])).toThrow(/noiseDistribution: counts must not all be zero/);
  });

  it("subsampling keeps a word with probability √(t/f) + t/f", () => {
    // f = 0.1, t = 1e-3: t/f = 0.01 → 0.1 + 0.01
    expect(keepProbability(100_000, 1_000_000, 1e-3)).toBeCloseTo(0.11, 14);
    // f = 0.04, t = 1e-4: t/f = 0.0025 → 0.05 + 0.0025
    expect(keepProbability(400, 10_000, 1e-4)).toBeCloseTo(0.0525, 14);
    // rare words (t/f ≥ 0.618...) are always kept; sample 0 disables subsampling
    expect(keepProbability(1, 1_000_000, 1e-3)).toBe(1);
    expect(keepProbability(900_000, 1_000_000, 0)).toBe(1);
  });

  it("GloVe's weighting function", () => {
    expect(gloveWeight(50)).toBeCloseTo(0.5 ** 0.75, 14); // 0.5946...
    expect(gloveWeight(1, 100, 0.75)).toBeCloseTo(100 ** -0.75, 14); // 0.031623
    expect(gloveWeight(10, 10, 0.5)).toBe(1);
    expect(gloveWeight(250)).toBe(1);
    expect(gloveWeight(0)).toBe(0);
    expect(gloveWeight(25, 100, 1)).toBeCloseTo(0.25, 14);
  });
});

describe("fastText n-grams and hash (fixtures from a Python reimplementation of fastText's C++)", () => {
  it.each(fixture.cases.map((c) => [`${c.word} ${c.minn}-${c.maxn}`, c] as const))("%s", (_, c) => {
    expect(charNgrams(c.word, c.minn, c.maxn)).toEqual(c.ngrams);
    expect(c.ngrams.map(fnv1a)).toEqual(c.hashes);
    expect(c.ngrams.map((g) => fnv1a(g) % fixture.bucket)).toEqual(c.buckets);
  });
  it("hashes of single strings, including bytes ≥ 0x80 (sign-extended as fastText)", () => {
    for (const [s, h] of Object.entries(fixture.hashes)) expect(fnv1a(s), s).toBe(h);
    // the textbook FNV-1a of "a" is 0xe40c292c; fastText's agrees on ASCII
    expect(fnv1a("a")).toBe(0xe40c292c);
  });
});

describe("word vectors", () => {
  it("mostSimilar and analogy on hand-made vectors (3CosAdd excludes the query words)", () => {
    const words = ["man", "woman", "king", "queen", "apple"];
    const v = new WordVectors(words, Float32Array.from([1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, -1, 0, 0.2]), 3);
    expect(v.analogy("man", "king", "woman")[0]!.word).toBe("queen");
    // unit vectors: king/√2 − man + woman = (1/√2 − 1, 1, 1/√2); its cosine with queen = (0, 1, 1)/√2 by hand
    const r = Math.SQRT1_2;
    expect(v.analogy("man", "king", "woman")[0]!.similarity).toBeCloseTo((1 + r) / (Math.SQRT2 * Math.sqrt((r - 1) ** 2 + 1 + 0.5)), 6);
    const near = v.mostSimilar("king", 2);
    expect(near.map((n) => n.word)).toEqual(["man", "queen"]); // cos 1/√2 and 1/2
    expect(near[0]!.similarity).toBeCloseTo(Math.SQRT1_2, 6);
    expect(near[1]!.similarity).toBeCloseTo(0.5, 6);
    expect(() => v.vector("prince")).toThrow(/"prince" is not in the vocabulary/);
    // PCA of points on a line: all spread on the first component
    const p = v.pca(["man", "woman", "king"]);
    expect(p.x.reduce((s, x) => s + x, 0)).toBeCloseTo(0, 6);
    const svg = v.pcaPlot({ a: ["man", "woman"], b: ["king", "queen", "apple"] });
    for (const w of words) expect(svg).toContain(`>${w}</text>`); // each point labelled
  });

  const corpus = plantedAnalogyCorpus({ sentences: 6000, seed: 0 });
  const budget = { dim: 16, window: 5, epochs: 3, lr: 0.05, sample: 1e-3 };

  it("the planted-analogy corpus: 270 analogies, each word in sentences with its pair's and form's context words", () => {
    expect(corpus.analogies).toHaveLength(270);
    expect(corpus.analogies).toContainEqual(["man", "woman", "king", "queen"]);
    expect(corpus.sentences).toHaveLength(6000);
    expect(plantedAnalogyCorpus({ sentences: 50, seed: 1 })).toEqual(plantedAnalogyCorpus({ sentences: 50, seed: 1 }));
  });

  it("SGNS recovers ≥ 90 % of the planted analogies (top-1, 3CosAdd), for two seeds", () => {
    for (const seed of [0, 1]) {
      const w2v = Word2Vec.train(corpus.sentences, { ...budget, seed });
      expect(w2v.analogyAccuracy(corpus.analogies), `seed ${seed}`).toBeGreaterThanOrEqual(0.9);
    }
  }, 30_000);

  it("CBOW and GloVe also recover ≥ 90 %", () => {
    expect(Word2Vec.train(corpus.sentences, { ...budget, model: "cbow", seed: 0 }).analogyAccuracy(corpus.analogies)).toBeGreaterThanOrEqual(0.9);
    // GloVe needs more text here (20,000 sentences; with 6,000 it finds 13–85 % depending on epochs)
    const larger = plantedAnalogyCorpus({ sentences: 20_000, seed: 0 });
    expect(GloVe.train(larger.sentences, { dim: 24, epochs: 15, seed: 0 }).analogyAccuracy(larger.analogies)).toBeGreaterThanOrEqual(0.9);
  }, 30_000);

  it("an untrained (1-epoch, tiny lr) model does not: the test can fail", () => {
    const weak = Word2Vec.train(corpus.sentences, { ...budget, epochs: 1, lr: 1e-4, seed: 0 });
    expect(weak.analogyAccuracy(corpus.analogies)).toBeLessThan(0.5);
  });

  it("same seed → same vectors; another seed → different ones", () => {
    const small = plantedAnalogyCorpus({ sentences: 500, seed: 2 }).sentences;
    const a = Word2Vec.train(small, { dim: 8, epochs: 1, seed: 5 }), b = Word2Vec.train(small, { dim: 8, epochs: 1, seed: 5 });
    const c = Word2Vec.train(small, { dim: 8, epochs: 1, seed: 6 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
    expect(a.vectors.shape).toEqual([a.words.length, 8]);
    expect(Array.from(a.vectors.dataSync())).toEqual(Array.from(a.data));
    const f1 = FastText.train(small, { dim: 8, epochs: 1, bucket: 1000, seed: 5 }), f2 = FastText.train(small, { dim: 8, epochs: 1, bucket: 1000, seed: 5 });
    expect(Array.from(f1.vector("queens"))).toEqual(Array.from(f2.vector("queens")));
  });

  it("fastText: an unseen word's vector is closest to its morphological relatives", () => {
    // stems × suffixes; each stem has its own context words, each suffix its own; "painters" never occurs
    const stems = ["walk", "talk", "paint", "cook", "clean", "jump", "play", "read"];
    const suffixes = ["", "s", "ed", "ing", "er", "ers"];
    const gen = new Generator(0);
    const sentences: string[][] = [];
    for (let s = 0; s < 6000; s++) {
      const i = gen.randint(0, stems.length), j = gen.randint(0, suffixes.length);
      const word = stems[i]! + suffixes[j]!;
      if (word === "painters") continue;
      sentences.push([`s${i}a`, `f${j}a`, word, `s${i}b`, `f${j}b`, `w${gen.randint(0, 10)}`]);
    }
    const ft = FastText.train(sentences, { dim: 24, epochs: 3, sample: 1e-3, seed: 0 });
    expect(ft.has("painters")).toBe(false);
    const v = ft.vector("painters");
    const near = ft.mostSimilar(v, 3).map((n) => n.word);
    for (const w of near) expect(w.startsWith("paint"), `${near.join(", ")}`).toBe(true);
    // a word made of n-grams never seen has no vector to speak of
    expect(Array.from(ft.vector("zzzz")).every((x) => x === 0)).toBe(true);
  }, 30_000);

  it("bad input names the function", () => {
    expect(() => Word2Vec.train([["a", 1 as unknown as string]])).toThrow(/Word2Vec.train: words must be strings/);
    expect(() => Word2Vec.train([["a"]], { minCount: 2 })).toThrow(/Word2Vec.train: no word occurs 2 times or more/);
    expect(() => Word2Vec.train([["a", "b"]], { minCount: 1, model: "glove" as "cbow" })).toThrow(/model must be "skipgram" or "cbow"/);
    expect(() => FastText.train([["a"]], { minCount: 1, minn: 4, maxn: 3 })).toThrow(/minn 4 is larger than maxn 3/);
  });
});
