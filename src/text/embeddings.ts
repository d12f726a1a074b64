// Word embeddings: word2vec (skip-gram and CBOW with negative sampling), fastText subword vectors and GloVe,
// plus nearest neighbours, 3CosAdd analogies and a 2-D PCA projection of any set of word vectors.
import { Tensor } from "../tensor/Tensor.js";
import { checkNumber, checkSize, describe } from "../tensor/validate.js";
import { Generator } from "../random/Generator.js";
import { scatter, type ScatterOptions } from "../plot/svg.js";

// ---------------------------------------------------------------------------------------------------
// Pieces with closed forms (tested against hand-computed values)

/**
 * word2vec's noise distribution for negative sampling: P(w) ∝ count(w)^power (power 0.75 in Mikolov et
 * al. 2013). Returns the probabilities, in the order of `counts`.
 */
export function noiseDistribution(counts: ArrayLike<number>, power = 0.75): Float64Array {
  const op = "noiseDistribution";
  checkNumber(op, "power", power);
  const p = new Float64Array(counts.length);
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (typeof c !== "number" || !(c >= 0)) throw new Error(`${op}: counts must be non-negative numbers, got ${describe(c)} at ${i}`);
    total += p[i] = c === 0 ? 0 : c ** power;
  }
  if (!(total > 0)) throw new Error(`${op}: counts must not all be zero`);
  for (let i = 0; i < p.length; i++) p[i]! /= total;
  return p;
}

/**
 * The probability that subsampling keeps one occurrence of a word of relative frequency f = count/total,
 * word2vec's (and fastText's) formula: min(1, √(t/f) + t/f) with threshold t = `sample` (Mikolov et al.
 * 2013 write the discard probability as 1 − √(t/f); the code adds t/f). `sample` 0 keeps everything.
 */
export function keepProbability(count: number, totalTokens: number, sample: number): number {
  const op = "keepProbability";
  checkNumber(op, "count", count);
  checkNumber(op, "totalTokens", totalTokens);
  checkNumber(op, "sample", sample);
  if (!(count > 0 && totalTokens >= count)) throw new Error(`${op}: need 0 < count ≤ totalTokens, got count ${count}, totalTokens ${totalTokens}`);
  if (sample < 0) throw new Error(`${op}: sample must be ≥ 0, got ${sample}`);
  if (sample === 0) return 1;
  const r = (sample * totalTokens) / count;
  return Math.min(1, Math.sqrt(r) + r);
}

/** GloVe's weighting function (Pennington et al. 2014): f(x) = (x/xMax)^α for x < xMax, else 1 (defaults 100 and 0.75). */
export function gloveWeight(x: number, xMax = 100, alpha = 0.75): number {
  checkNumber("gloveWeight", "x", x);
  if (!(x >= 0 && xMax > 0)) throw new Error(`gloveWeight: need x ≥ 0 and xMax > 0, got x ${x}, xMax ${xMax}`);
  return x < xMax ? (x / xMax) ** alpha : 1;
}

const encoder = new TextEncoder();

/**
 * fastText's string hash: 32-bit FNV-1a over the UTF-8 bytes, each byte sign-extended first as fastText's
 * C++ does (`h ^= uint32_t(int8_t(c))`), so bytes ≥ 0x80 hash differently from textbook FNV-1a.
 */
export function fnv1a(text: string): number {
  if (typeof text !== "string") throw new Error(`fnv1a: expected a string, got ${describe(text)}`);
  let h = 0x811c9dc5;
  for (const b of encoder.encode(text)) {
    h = (h ^ ((b << 24) >> 24)) >>> 0;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

/**
 * fastText's character n-grams of a word (Dictionary::computeSubwords): the word is wrapped in `<` and `>`,
 * and every run of minn…maxn characters (code points) is listed, by start then length; single characters
 * at the boundaries are skipped. The whole `<word>` is included when it is short enough.
 */
export function charNgrams(word: string, minn = 3, maxn = 6): string[] {
  if (typeof word !== "string") throw new Error(`charNgrams: expected a string, got ${describe(word)}`);
  checkSize("charNgrams", "minn", minn);
  checkSize("charNgrams", "maxn", maxn);
  const chars = Array.from(`<${word}>`);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    let gram = "";
    for (let j = i, n = 1; j < chars.length && n <= maxn; n++) {
      gram += chars[j++]!;
      if (n >= minn && !(n === 1 && (i === 0 || j === chars.length))) out.push(gram);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The shared trainer: negative sampling over integer tokens (used by graph.trainSkipGram too)

/** Options of the negative-sampling trainer shared by {@link Word2Vec}, {@link FastText} and graph's `trainSkipGram`. */
export interface NegativeSamplingOptions {
  /** "skipgram" (default): the centre predicts each context token; "cbow": the mean of the context predicts the centre. */
  model?: "skipgram" | "cbow";
  /** Embedding size (default 100). */
  dim?: number;
  /** Context tokens up to this far on either side; each position draws its own window 1…window, as word2vec (default 5). */
  window?: number;
  /** Negative samples per positive pair, drawn ∝ count^noisePower (default 5). */
  negative?: number;
  /** Exponent of the noise distribution (default 0.75 as word2vec; FastText defaults to fastText's 0.5). */
  noisePower?: number;
  /** Passes over the sequences (default 5). */
  epochs?: number;
  /** Learning rate, decayed linearly to 0.0001·lr over training (word2vec's schedule). */
  lr?: number;
  /** Subsampling threshold t of {@link keepProbability} (default 0: keep every token). */
  sample?: number;
  seed?: number;
}

/** What {@link trainNegativeSampling} returns: the input (embedding) and output matrices, row-major. */
export interface NegativeSamplingResult {
  /** The input (embedding) vectors, inputRows × dim: tokens first, then any subword rows. */
  input: Float32Array;
  /** The output (context) vectors, vocabSize × dim. */
  output: Float32Array;
  /** Rows of `input`. */
  inputRows: number;
  /** Tokens, rows of `output`. */
  vocabSize: number;
  /** Embedding size. */
  dim: number;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * word2vec's SGD for skip-gram or CBOW with negative sampling (Mikolov et al. 2013, arXiv:1310.4546) on
 * sequences of token ids 0…vocabSize−1. Token t's input is the mean of the input rows `subwords[t]` (fastText;
 * default: row t alone), and every one of those rows receives the full gradient, as in fastText. Subsampling
 * drops tokens before windowing; the learning rate decays linearly with the tokens read. Plain loops.
 * `op` names the caller in error messages; `initScale` s switches the input initialization from word2vec's
 * U(−0.5, 0.5)/dim to fastText's U(−s, s).
 */
export function trainNegativeSampling(
  op: string,
  sequences: readonly (readonly number[])[],
  vocabSize: number,
  options: NegativeSamplingOptions & { subwords?: readonly (readonly number[])[]; inputRows?: number; initScale?: number },
): NegativeSamplingResult {
  const model = options.model ?? "skipgram";
  if (model !== "skipgram" && model !== "cbow") throw new Error(`${op}: model must be "skipgram" or "cbow", got ${describe(model)}`);
  const D = checkSize(op, "dim", options.dim ?? 100), window = checkSize(op, "window", options.window ?? 5);
  const negative = checkSize(op, "negative", options.negative ?? 5), epochs = checkSize(op, "epochs", options.epochs ?? 5);
  const lr0 = checkNumber(op, "lr", options.lr ?? 0.025);
  const sample = checkNumber(op, "sample", options.sample ?? 0);
  if (sample < 0) throw new Error(`${op}: sample must be ≥ 0, got ${sample}`);
  const V = vocabSize;
  const rows = options.inputRows ?? V;
  const subwords = options.subwords;
  if (subwords !== undefined && subwords.length !== V) throw new Error(`${op}: subwords must list the input rows of each of the ${V} tokens, got ${subwords.length}`);
  const gen = new Generator(options.seed ?? 0);
  const vIn = new Float32Array(rows * D), uOut = new Float32Array(V * D);
  if (options.initScale === undefined) for (let i = 0; i < vIn.length; i++) vIn[i] = (gen.random() - 0.5) / D; // word2vec: U(−0.5, 0.5)/dim
  else for (let i = 0; i < vIn.length; i++) vIn[i] = (2 * gen.random() - 1) * options.initScale; // fastText: U(−1/dim, 1/dim)
  const counts = new Float64Array(V);
  let totalTokens = 0;
  for (const s of sequences) for (const t of s) counts[t]!++, totalTokens++;
  const cumulative = new Float64Array(V);
  let total = 0;
  const power = checkNumber(op, "noisePower", options.noisePower ?? 0.75);
  for (let i = 0; i < V; i++) cumulative[i] = total += counts[i]! ** power;
  const drawNegative = (): number => {
    const u = gen.random() * total;
    let lo = 0, hi = V - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const keep = new Float64Array(V).fill(1);
  if (sample > 0) for (let t = 0; t < V; t++) if (counts[t]! > 0) keep[t] = keepProbability(counts[t]!, totalTokens, sample);
  const single = [0];
  const rowsOf = (t: number): readonly number[] => {
    if (subwords) return subwords[t]!;
    single[0] = t;
    return single;
  };
  const hidden = new Float32Array(D), grad = new Float32Array(D);
  const inRows: number[] = [];
  // One update: hidden = mean of inRows' vectors predicts `target` (and `negative` noise tokens); grad goes to every row.
  const update = (target: number, lr: number): void => {
    hidden.fill(0);
    for (const r of inRows) for (let d = 0, o = r * D; d < D; d++) hidden[d] += vIn[o + d]!;
    if (inRows.length > 1) for (let d = 0; d < D; d++) hidden[d] /= inRows.length;
    grad.fill(0);
    for (let k = 0; k <= negative; k++) {
      const t = k === 0 ? target : drawNegative();
      if (k > 0 && t === target) continue;
      const uo = t * D;
      let dot = 0;
      for (let d = 0; d < D; d++) dot += hidden[d]! * uOut[uo + d]!;
      const g = lr * ((k === 0 ? 1 : 0) - sigmoid(dot));
      for (let d = 0; d < D; d++) {
        grad[d] += g * uOut[uo + d]!;
        uOut[uo + d] += g * hidden[d]!;
      }
    }
    for (const r of inRows) for (let d = 0, o = r * D; d < D; d++) vIn[o + d] += grad[d]!;
  };
  const planned = epochs * totalTokens;
  let seen = 0;
  const kept: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const seq of sequences) {
      let s: readonly number[] = seq;
      if (sample > 0) {
        kept.length = 0;
        for (const t of seq) if (keep[t]! >= 1 || gen.random() < keep[t]!) kept.push(t);
        s = kept;
      }
      for (let i = 0; i < s.length; i++) {
        const lr = lr0 * Math.max(1e-4, 1 - (seen + (i * seq.length) / Math.max(1, s.length)) / planned);
        const b = gen.randint(0, window); // word2vec shrinks the window at random (nearer contexts weigh more)
        const lo = Math.max(0, i - window + b), hi = Math.min(s.length - 1, i + window - b);
        if (model === "skipgram") {
          inRows.length = 0;
          inRows.push(...rowsOf(s[i]!));
          for (let j = lo; j <= hi; j++) if (j !== i) update(s[j]!, lr);
        } else {
          inRows.length = 0;
          for (let j = lo; j <= hi; j++) if (j !== i) inRows.push(...rowsOf(s[j]!));
          if (inRows.length > 0) update(s[i]!, lr);
        }
      }
      seen += seq.length;
    }
  }
  return { input: vIn, output: uOut, inputRows: rows, vocabSize: V, dim: D };
}

// ---------------------------------------------------------------------------------------------------
// Word vectors and what one does with them

/** One neighbour: a word and its cosine similarity to the query. */
export interface Neighbour {
  word: string;
  similarity: number;
}

/** One planted analogy a : b :: c : d (d is the expected answer of `analogy(a, b, c)`). */
export type Analogy = readonly [string, string, string, string];

/**
 * A table of word vectors (one row per word) with cosine nearest neighbours, 3CosAdd analogies and a 2-D
 * PCA projection. {@link Word2Vec}, {@link FastText} and {@link GloVe} return one.
 */
export class WordVectors {
  /** The words, most frequent first. */
  readonly words: readonly string[];
  /** Embedding size. */
  readonly dim: number;
  /** Row i is the vector of words[i] (row-major, words.length × dim). */
  readonly data: Float32Array;
  private readonly index: Map<string, number>;
  private unitRows: Float32Array | null = null;

  constructor(words: readonly string[], data: Float32Array, dim: number) {
    if (!Array.isArray(words)) throw new Error(`WordVectors: words must be an array of strings, got ${describe(words)}`);
    if (!(data instanceof Float32Array) || data.length !== words.length * dim) throw new Error(`WordVectors: data must be a Float32Array of ${words.length} × ${dim} values`);
    this.words = Object.freeze([...words]);
    this.dim = dim;
    this.data = data;
    this.index = new Map(words.map((w, i) => [w, i]));
    if (this.index.size !== words.length) throw new Error("WordVectors: words must be distinct");
  }

  /** The vectors as a [words, dim] float32 tensor. */
  get vectors(): Tensor {
    return Tensor.fromData(this.data.slice(), [this.words.length, this.dim], "float32");
  }

  /** Whether `word` has a row of its own. */
  has(word: string): boolean {
    return this.index.has(word);
  }

  /** The vector of `word` (a copy). Unknown words are an error here; {@link FastText} builds them from n-grams. */
  vector(word: string): Float32Array {
    const i = this.index.get(word);
    if (i === undefined) throw new Error(`WordVectors: ${JSON.stringify(word)} is not in the vocabulary (${this.words.length} words)`);
    return this.data.slice(i * this.dim, (i + 1) * this.dim);
  }

  /** Cosine similarity of two words' vectors. */
  similarity(a: string, b: string): number {
    return cosine(this.vector(a), this.vector(b));
  }

  private unit(): Float32Array {
    if (this.unitRows === null) {
      const u = new Float32Array(this.data.length), D = this.dim;
      for (let i = 0; i < this.words.length; i++) {
        let n = 0;
        for (let d = 0; d < D; d++) n += this.data[i * D + d]! ** 2;
        const s = n > 0 ? 1 / Math.sqrt(n) : 0;
        for (let d = 0; d < D; d++) u[i * D + d] = this.data[i * D + d]! * s;
      }
      this.unitRows = u;
    }
    return this.unitRows;
  }

  /** The k words whose vectors have the largest cosine similarity to `query` (a word, left out of its own list, or a vector). */
  mostSimilar(query: string | ArrayLike<number>, k = 10, exclude: Iterable<string> = []): Neighbour[] {
    checkSize("mostSimilar", "k", k);
    const q = typeof query === "string" ? this.vector(query) : Float32Array.from(query);
    if (q.length !== this.dim) throw new Error(`mostSimilar: the query vector has ${q.length} values, the vectors ${this.dim}`);
    const skip = new Set(exclude);
    if (typeof query === "string") skip.add(query);
    return this.rank(q, k, skip);
  }

  private rank(q: Float32Array, k: number, skip: Set<string>): Neighbour[] {
    let qn = 0;
    for (const x of q) qn += x * x;
    qn = Math.sqrt(qn) || 1;
    const u = this.unit(), D = this.dim;
    const best: Neighbour[] = [];
    for (let i = 0; i < this.words.length; i++) {
      const w = this.words[i]!;
      if (skip.has(w)) continue;
      let dot = 0;
      for (let d = 0; d < D; d++) dot += u[i * D + d]! * q[d]!;
      const sim = dot / qn;
      if (best.length < k || sim > best[best.length - 1]!.similarity) {
        best.push({ word: w, similarity: sim });
        best.sort((x, y) => y.similarity - x.similarity);
        if (best.length > k) best.pop();
      }
    }
    return best;
  }

  /**
   * a : b :: c : ? by 3CosAdd (Mikolov et al. 2013; Levy & Goldberg 2014): the words closest in cosine to
   * b̂ − â + ĉ (unit vectors), a, b and c themselves excluded. `analogy("man", "king", "woman")` → queen.
   */
  analogy(a: string, b: string, c: string, k = 1): Neighbour[] {
    const va = this.vector(a), vb = this.vector(b), vc = this.vector(c);
    const unitOf = (v: Float32Array): Float32Array => {
      const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
      return v.map((x) => x / n);
    };
    const [ua, ub, uc] = [unitOf(va), unitOf(vb), unitOf(vc)];
    const target = ub.map((x, d) => x - ua[d]! + uc[d]!);
    return this.rank(target, k, new Set([a, b, c]));
  }

  /** Top-1 3CosAdd accuracy over `analogies` (each a : b :: c : d); an analogy with a word out of the vocabulary counts as wrong. */
  analogyAccuracy(analogies: readonly Analogy[]): number {
    if (analogies.length === 0) throw new Error("analogyAccuracy: no analogies given");
    let right = 0;
    for (const [a, b, c, d] of analogies) {
      if (![a, b, c, d].every((w) => this.has(w))) continue;
      if (this.analogy(a, b, c, 1)[0]?.word === d) right++;
    }
    return right / analogies.length;
  }

  /** The given words' vectors projected on their first two principal components (centred, power iteration; deterministic). */
  pca(words: readonly string[]): { words: string[]; x: number[]; y: number[] } {
    if (words.length < 2) throw new Error(`pca: needs at least 2 words, got ${words.length}`);
    const D = this.dim;
    const X = words.map((w) => Float64Array.from(this.vector(w)));
    const mean = new Float64Array(D);
    for (const v of X) for (let d = 0; d < D; d++) mean[d] += v[d]! / X.length;
    for (const v of X) for (let d = 0; d < D; d++) v[d] -= mean[d]!;
    const components: Float64Array[] = [];
    for (let c = 0; c < 2; c++) {
      let v = new Float64Array(D).map((_, d) => 1 + d / D);
      for (let it = 0; it < 200; it++) {
        const next = new Float64Array(D);
        for (const x of X) {
          let p = 0;
          for (let d = 0; d < D; d++) p += x[d]! * v[d]!;
          for (let d = 0; d < D; d++) next[d] += p * x[d]!;
        }
        for (const prev of components) {
          let p = 0;
          for (let d = 0; d < D; d++) p += next[d]! * prev[d]!;
          for (let d = 0; d < D; d++) next[d] -= p * prev[d]!;
        }
        const n = Math.sqrt(next.reduce((s, x) => s + x * x, 0));
        if (n === 0) break;
        v = next.map((x) => x / n);
      }
      components.push(v);
    }
    const proj = (x: Float64Array, c: Float64Array): number => x.reduce((s, xi, d) => s + xi * c[d]!, 0);
    return { words: [...words], x: X.map((x) => proj(x, components[0]!)), y: X.map((x) => proj(x, components[1]!)) };
  }

  /** An SVG scatter plot of groups of words, each point labelled with its word, on the first two principal components of all of them (one series, and colour, per group). */
  pcaPlot(groups: Record<string, readonly string[]>, options: Omit<ScatterOptions, "series"> = {}): string {
    const names = Object.keys(groups);
    const all = names.flatMap((g) => groups[g]!);
    const p = this.pca(all);
    let at = 0;
    const series = names.map((name) => {
      const n = groups[name]!.length;
      const s = { name, x: p.x.slice(at, at + n), y: p.y.slice(at, at + n), labels: p.words.slice(at, at + n) };
      at += n;
      return s;
    });
    return scatter({ xLabel: "PC 1", yLabel: "PC 2", ...options, series });
  }
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) (ab += a[i]! * b[i]!), (aa += a[i]! ** 2), (bb += b[i]! ** 2);
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

// ---------------------------------------------------------------------------------------------------
// word2vec, fastText, GloVe

/** Sentences as arrays of word strings; vocabulary: words seen at least `minCount` times, most frequent first. */
function buildVocabulary(op: string, sentences: readonly (readonly string[])[], minCount: number): { words: string[]; counts: number[]; ids: number[][] } {
  if (!Array.isArray(sentences)) throw new Error(`${op}: sentences must be an array of word arrays, got ${describe(sentences)}`);
  const counts = new Map<string, number>();
  for (const s of sentences) {
    if (!Array.isArray(s)) throw new Error(`${op}: each sentence must be an array of words, got ${describe(s)}`);
    for (const w of s) {
      if (typeof w !== "string") throw new Error(`${op}: words must be strings, got ${describe(w)}`);
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  const words = [...counts].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([w]) => w);
  if (words.length === 0) throw new Error(`${op}: no word occurs ${minCount} times or more`);
  const id = new Map(words.map((w, i) => [w, i]));
  const ids = sentences.map((s) => s.flatMap((w: string) => (id.has(w) ? [id.get(w)!] : [])));
  return { words, counts: words.map((w) => counts.get(w)!), ids };
}

/** Options of {@link Word2Vec.train}: the trainer's options plus the vocabulary's minimum count. */
export interface Word2VecOptions extends NegativeSamplingOptions {
  /** Words seen fewer times are dropped from the sentences (default 5, as word2vec). */
  minCount?: number;
}

/**
 * word2vec (Mikolov et al. 2013): skip-gram (default) or CBOW with negative sampling, subsampling of
 * frequent words and a linearly decaying learning rate. Defaults as the word2vec tool: dim 100, window 5,
 * 5 negatives, 5 epochs, lr 0.025 (skip-gram) / 0.05 (CBOW), sample 1e-3, minCount 5. Seeded.
 *
 * ```ts
 * const w2v = Word2Vec.train(sentences, { dim: 50, seed: 0 });
 * w2v.mostSimilar("king", 5);
 * w2v.analogy("man", "king", "woman");
 * ```
 */
export class Word2Vec extends WordVectors {
  /** How often each word (same order as `words`) occurs in the training sentences. */
  readonly counts: readonly number[];

  constructor(words: readonly string[], data: Float32Array, dim: number, counts: readonly number[]) {
    super(words, data, dim);
    this.counts = Object.freeze([...counts]);
  }

  /** Trains on `sentences` (arrays of words; windows never cross a sentence). */
  static train(sentences: readonly (readonly string[])[], options: Word2VecOptions = {}): Word2Vec {
    const op = "Word2Vec.train";
    const vocab = buildVocabulary(op, sentences, checkSize(op, "minCount", options.minCount ?? 5));
    const r = trainNegativeSampling(op, vocab.ids, vocab.words.length, {
      ...options,
      lr: options.lr ?? (options.model === "cbow" ? 0.05 : 0.025),
      sample: options.sample ?? 1e-3,
    });
    return new Word2Vec(vocab.words, r.input, r.dim, vocab.counts);
  }
}

/** Options of {@link FastText.train}: word2vec's plus the n-gram lengths and the number of hash buckets. */
export interface FastTextOptions extends Word2VecOptions {
  /** Shortest character n-gram (default 3). */
  minn?: number;
  /** Longest character n-gram (default 6). */
  maxn?: number;
  /** Hash buckets the n-grams share (default 2,000,000, as fastText). */
  bucket?: number;
}

/**
 * fastText's unsupervised embeddings (Bojanowski et al. 2017, arXiv:1607.04606): skip-gram (or CBOW) with
 * negative sampling where a word's input vector is the mean of its own vector and those of its character
 * n-grams (`charNgrams`, hashed with `fnv1a` into `bucket` buckets). `vector(word)` works for any word:
 * an unseen word gets the mean of its n-grams' vectors. Defaults as fastText: lr 0.05, sample 1e-4, negatives
 * drawn ∝ count^0.5.
 * Only the buckets that training n-grams hash to are stored (fastText keeps all, untrained ones random),
 * so an unseen word's n-grams that no training word has are left out.
 */
export class FastText extends WordVectors {
  /** Shortest character n-gram. */
  readonly minn: number;
  /** Longest character n-gram. */
  readonly maxn: number;
  /** Number of hash buckets. */
  readonly bucket: number;
  /** The n-gram vectors, one row per stored bucket. */
  private readonly ngramData: Float32Array;
  private readonly bucketRow: Map<number, number>;

  private constructor(words: readonly string[], data: Float32Array, dim: number, ngramData: Float32Array, bucketRow: Map<number, number>, minn: number, maxn: number, bucket: number) {
    super(words, data, dim);
    this.ngramData = ngramData;
    this.bucketRow = bucketRow;
    this.minn = minn;
    this.maxn = maxn;
    this.bucket = bucket;
  }

  /** The hash buckets of `word`'s character n-grams (fastText's order, duplicates kept). */
  buckets(word: string): number[] {
    return charNgrams(word, this.minn, this.maxn).map((g) => fnv1a(g) % this.bucket);
  }

  /** Trains on `sentences` (arrays of words). */
  static train(sentences: readonly (readonly string[])[], options: FastTextOptions = {}): FastText {
    const op = "FastText.train";
    const minn = checkSize(op, "minn", options.minn ?? 3), maxn = checkSize(op, "maxn", options.maxn ?? 6);
    if (minn > maxn) throw new Error(`${op}: minn ${minn} is larger than maxn ${maxn}`);
    const bucket = checkSize(op, "bucket", options.bucket ?? 2_000_000);
    const vocab = buildVocabulary(op, sentences, checkSize(op, "minCount", options.minCount ?? 5));
    const V = vocab.words.length;
    const bucketRow = new Map<number, number>();
    const subwords = vocab.words.map((w, i) => [
      i,
      ...charNgrams(w, minn, maxn).map((g) => {
        const b = fnv1a(g) % bucket;
        if (!bucketRow.has(b)) bucketRow.set(b, V + bucketRow.size);
        return bucketRow.get(b)!;
      }),
    ]);
    const dim = checkSize(op, "dim", options.dim ?? 100);
    const r = trainNegativeSampling(op, vocab.ids, V, {
      ...options,
      lr: options.lr ?? 0.05,
      sample: options.sample ?? 1e-4,
      noisePower: options.noisePower ?? 0.5,
      subwords,
      inputRows: V + bucketRow.size,
      initScale: 1 / dim,
    });
    // A vocabulary word's vector: the mean of its row and its n-gram rows (fastText's getWordVector).
    const D = r.dim, data = new Float32Array(V * D);
    subwords.forEach((rows, i) => {
      for (const row of rows) for (let d = 0; d < D; d++) data[i * D + d] += r.input[row * D + d]! / rows.length;
    });
    const model = new FastText(vocab.words, data, D, r.input.slice(V * D), new Map([...bucketRow].map(([b, row]) => [b, row - V])), minn, maxn, bucket);
    return model;
  }

  /** The vector of any word: its stored vector if in the vocabulary, else the mean of its known n-grams' vectors (zeros when none is known). */
  override vector(word: string): Float32Array {
    if (this.has(word)) return super.vector(word);
    const D = this.dim, out = new Float32Array(D);
    let n = 0;
    for (const b of this.buckets(word)) {
      const row = this.bucketRow.get(b);
      if (row === undefined) continue;
      for (let d = 0; d < D; d++) out[d] += this.ngramData[row * D + d]!;
      n++;
    }
    if (n > 0) for (let d = 0; d < D; d++) out[d] /= n;
    return out;
  }
}

/** Options of {@link GloVe.train}. */
export interface GloVeOptions {
  /** Embedding size (default 100). */
  dim?: number;
  /** Symmetric co-occurrence window (default 10, as GloVe's demo). A pair d apart adds 1/d. */
  window?: number;
  /** Passes over the non-zero co-occurrences (default 25). */
  epochs?: number;
  /** AdaGrad's initial learning rate (default 0.05). */
  lr?: number;
  /** f's cutoff x_max (default 100). */
  xMax?: number;
  /** f's exponent α (default 0.75). */
  alpha?: number;
  /** Words seen fewer times are dropped (default 5). */
  minCount?: number;
  seed?: number;
}

/**
 * GloVe (Pennington et al. 2014): weighted least squares on the log co-occurrence counts,
 * Σ f(X_ij)(w_i·w̃_j + b_i + b̃_j − log X_ij)², trained with AdaGrad as the reference glove.c (squared
 * gradients start at 1, the entries are shuffled each epoch). Counts add 1/d for a pair d words apart;
 * the returned vectors are W + W̃.
 */
export class GloVe extends WordVectors {
  /** Trains on `sentences` (arrays of words). */
  static train(sentences: readonly (readonly string[])[], options: GloVeOptions = {}): GloVe {
    const op = "GloVe.train";
    const D = checkSize(op, "dim", options.dim ?? 100), window = checkSize(op, "window", options.window ?? 10);
    const epochs = checkSize(op, "epochs", options.epochs ?? 25);
    const eta = checkNumber(op, "lr", options.lr ?? 0.05), xMax = checkNumber(op, "xMax", options.xMax ?? 100), alpha = checkNumber(op, "alpha", options.alpha ?? 0.75);
    const vocab = buildVocabulary(op, sentences, checkSize(op, "minCount", options.minCount ?? 5));
    const V = vocab.words.length;
    const cooc = new Map<number, number>();
    for (const s of vocab.ids) {
      for (let i = 0; i < s.length; i++) {
        for (let j = Math.max(0, i - window); j < i; j++) {
          const w = 1 / (i - j);
          const k1 = s[i]! * V + s[j]!, k2 = s[j]! * V + s[i]!;
          cooc.set(k1, (cooc.get(k1) ?? 0) + w);
          cooc.set(k2, (cooc.get(k2) ?? 0) + w);
        }
      }
    }
    const keys = [...cooc.keys()].sort((a, b) => a - b);
    const gen = new Generator(options.seed ?? 0);
    const W = new Float64Array(2 * V * D), B = new Float64Array(2 * V);
    for (let i = 0; i < W.length; i++) W[i] = (gen.random() - 0.5) / D;
    for (let i = 0; i < B.length; i++) B[i] = (gen.random() - 0.5) / D;
    const G = new Float64Array(2 * V * D).fill(1), GB = new Float64Array(2 * V).fill(1);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const e of gen.permutation(keys.length)) {
        const key = keys[e]!, x = cooc.get(key)!;
        const i = Math.floor(key / V), j = V + (key % V);
        const wi = i * D, wj = j * D;
        let diff = B[i]! + B[j]! - Math.log(x);
        for (let d = 0; d < D; d++) diff += W[wi + d]! * W[wj + d]!;
        const fdiff = eta * gloveWeight(x, xMax, alpha) * diff;
        for (let d = 0; d < D; d++) {
          const t1 = fdiff * W[wj + d]!, t2 = fdiff * W[wi + d]!;
          W[wi + d] -= t1 / Math.sqrt(G[wi + d]!);
          W[wj + d] -= t2 / Math.sqrt(G[wj + d]!);
          G[wi + d] += t1 * t1;
          G[wj + d] += t2 * t2;
        }
        B[i] -= fdiff / Math.sqrt(GB[i]!);
        B[j] -= fdiff / Math.sqrt(GB[j]!);
        GB[i] += fdiff * fdiff;
        GB[j] += fdiff * fdiff;
      }
    }
    const data = new Float32Array(V * D);
    for (let i = 0; i < V * D; i++) data[i] = W[i]! + W[V * D + i]!;
    return new GloVe(vocab.words, data, D);
  }
}

// ---------------------------------------------------------------------------------------------------
// A synthetic corpus with planted analogies

/** Word pairs of the planted-analogy corpus: (country, capital), (male, female), (singular, plural). */
export const PLANTED_PAIRS: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  capital: [["france", "paris"], ["germany", "berlin"], ["italy", "rome"], ["spain", "madrid"], ["japan", "tokyo"], ["china", "beijing"], ["egypt", "cairo"], ["russia", "moscow"], ["kenya", "nairobi"], ["peru", "lima"]],
  gender: [["king", "queen"], ["man", "woman"], ["boy", "girl"], ["father", "mother"], ["son", "daughter"], ["brother", "sister"], ["uncle", "aunt"], ["husband", "wife"], ["prince", "princess"], ["nephew", "niece"]],
  plural: [["cat", "cats"], ["dog", "dogs"], ["horse", "horses"], ["apple", "apples"], ["car", "cars"], ["tree", "trees"], ["book", "books"], ["bird", "birds"], ["house", "houses"], ["river", "rivers"]],
};

/**
 * A seeded synthetic corpus where analogies are planted: each word of `PLANTED_PAIRS` appears in templated
 * sentences with context words of its pair (shared by both forms) and context words of its form (shared by
 * every first or every second word of the family, e.g. "nation" vs "city", "he" vs "she", "one" vs
 * "many"), plus filler words. `analogies` lists every a : b :: c : d within a family (a, b one pair; c, d
 * another), 270 in all.
 */
export function plantedAnalogyCorpus(options: { sentences?: number; seed?: number } = {}): { sentences: string[][]; analogies: Analogy[] } {
  const op = "plantedAnalogyCorpus";
  const n = checkSize(op, "sentences", options.sentences ?? 20_000);
  const gen = new Generator(options.seed ?? 0);
  const formWords: Record<string, [string[], string[]]> = {
    capital: [["nation", "border", "flag"], ["city", "mayor", "streets"]],
    gender: [["he", "his", "him"], ["she", "her", "hers"]],
    plural: [["one", "a", "is"], ["many", "several", "are"]],
  };
  const fillers = ["the", "of", "and", "to", "in", "that", "with", "was", "for", "on", "at", "by"];
  const families = Object.keys(PLANTED_PAIRS);
  const pick = <T>(xs: readonly T[]): T => xs[gen.randint(0, xs.length)]!;
  const sentences: string[][] = [];
  for (let s = 0; s < n; s++) {
    const family = pick(families);
    const pairs = PLANTED_PAIRS[family]!;
    const p = gen.randint(0, pairs.length), form = gen.randint(0, 2);
    const word = pairs[p]![form]!;
    const pairCtx = [0, 1, 2].map((k) => `${family}${p}x${k}`);
    const ctx = [pick(pairCtx), pick(pairCtx), pick(formWords[family]![form]!), pick(formWords[family]![form]!), pick(fillers), pick(fillers)];
    // the target word goes in the middle of a shuffled context
    const order = gen.permutation(ctx.length);
    const sentence = order.map((i) => ctx[i]!);
    sentence.splice(3, 0, word);
    sentences.push(sentence);
  }
  const analogies: Analogy[] = [];
  for (const family of families) {
    const pairs = PLANTED_PAIRS[family]!;
    for (let i = 0; i < pairs.length; i++) for (let j = 0; j < pairs.length; j++) if (i !== j) analogies.push([pairs[i]![0], pairs[i]![1], pairs[j]![0], pairs[j]![1]]);
  }
  return { sentences, analogies };
}
