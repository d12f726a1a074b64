// NGramLM: an n-gram language model over tokens (words or characters) with add-k or interpolated Kneser–Ney smoothing.
import { Generator } from "../random/Generator.js";
import { describe } from "../tensor/validate.js";

/** `"addk"`: add-k (Laplace for k = 1); `"kn"`: interpolated Kneser–Ney; `"mkn"`: modified (three discounts) interpolated Kneser–Ney. */
export type Smoothing = "addk" | "kn" | "mkn";

/**
 * Options of {@link NGramLM}: the smoothing (add-k, Kneser–Ney or modified Kneser–Ney) and its parameters.
 */
export interface NGramLMOptions {
  /** Smoothing (default `"kn"`). */
  smoothing?: Smoothing;
  /** The k of add-k (default 1, Laplace). */
  k?: number;
  /**
   * Kneser–Ney discounts. `"kn"`: one number d for every order (default 0.75, as Jurafsky & Martin), or
   * `"auto"` for Ney's estimate d = n₁ / (n₁ + 2n₂) per order. `"mkn"`: `[D₁, D₂, D₃₊]` for every order, or
   * `"auto"` (default) for Chen & Goodman's estimates per order: Y = n₁/(n₁+2n₂), D₁ = 1 − 2Y n₂/n₁,
   * D₂ = 2 − 3Y n₃/n₂, D₃₊ = 3 − 4Y n₄/n₃ (n_r: number of n-grams of that order whose count is r),
   * each clamped into [0, r] (with few counts D₂ can come out negative). An order whose counts of counts
   * leave the estimate undefined (n₁ = n₂ = 0 for "kn"; n₁, n₂ or n₃ = 0 for "mkn", e.g. characters at
   * order 1, where every count is large) uses 0.75, or [0.5, 1, 1.5] as KenLM's `--discount_fallback`.
   */
  discount?: number | [number, number, number] | "auto";
  /** The start-of-sequence padding token (default `"<s>"`); it is only ever context. */
  bos?: string;
  /** The end-of-sequence token appended to every sequence and predicted like a token (default `"</s>"`); null for none (a continuous stream). */
  eos?: string | null;
  /** The token standing for every token outside the vocabulary (default `"<unk>"`); it is always in the vocabulary. */
  unk?: string;
  /** Training tokens seen fewer times than this become `unk` (default 1: keep all). */
  minFreq?: number;
}

interface Context {
  /** word id → count: the raw count at the highest order, the continuation count N₁₊(• context word) below. */
  words: Map<number, number>;
  /** Σ of the counts. */
  total: number;
  /** The mass set aside for the lower order: Σ over words of min(count, D(count)), divided by `total`. */
  gamma: number;
}

/**
 * An n-gram language model, P(wᵢ | wᵢ₋ₙ₊₁ … wᵢ₋₁), trained on sequences of tokens. Every sequence is
 * padded with n − 1 `bos` tokens in front and, unless `eos` is null, ends with `eos`, which is
 * predicted like any token. The vocabulary V is the training tokens, `eos` and `unk`; probabilities over
 * V sum to 1 in every context. Natural logarithms throughout; perplexity = exp(cross-entropy).
 *
 * Add-k (Jurafsky & Martin, Speech and Language Processing, 3rd ed. draft, ch. 3):
 * P(w | h) = (C(h w) + k) / (C(h) + k|V|), with C(h) = Σ_v C(h v); an unseen context gives 1/|V|.
 *
 * Interpolated Kneser–Ney (J&M ch. 3; Chen & Goodman 1998, "An empirical study of smoothing techniques for language modeling"):
 * P(w | h) = max(c(h w) − D, 0) / Σ_v c(h v) + γ(h) · P(w | h′), with h′ = h without its first token and
 * γ(h) = D · |{v : c(h v) > 0}| / Σ_v c(h v) (the discounted mass; computed as exactly that mass when a
 * count is below its discount). c is the count at the highest order and the continuation count
 * N₁₊(• h w) = |{u : u h w seen}| below it (also for contexts that begin with `bos`). The recursion ends
 * in the uniform distribution 1/|V| (as J&M's λ(ε)/|V| term), so unknown words get probability. A context never
 * seen passes its whole mass down (γ = 1).
 *
 * ```ts
 * const lm = new NGramLM(3, { smoothing: "kn" }).fit(lines.map((l) => l.split(" ")));
 * lm.prob("am", ["<s>", "I"]);
 * lm.perplexity(heldOut);
 * lm.generate({ maxTokens: 20, seed: 0 });
 * ```
 */
export class NGramLM {
  readonly order: number;
  readonly smoothing: Smoothing;
  private kValue: number;
  readonly discountOption: number | [number, number, number] | "auto";
  readonly bos: string;
  readonly eos: string | null;
  readonly unk: string;
  readonly minFreq: number;
  /** The predicted vocabulary, id → token (training tokens by first appearance, then `eos`, then `unk`). */
  vocab: string[] = [];
  /** Discounts used per order (index k − 1 for order k): [D₁, D₂, D₃₊] (all equal for `"kn"`). */
  discounts: [number, number, number][] = [];
  private ids = new Map<string, number>();
  private bosId = -1;
  private unkId = -1;
  private eosId = -1;
  private wide = false;
  /** levels[k − 1]: context key (k − 1 ids) → counts of the words after it. */
  private levels: Map<string, Context>[] = [];
  private fitted = false;

  constructor(order: number, options: NGramLMOptions = {}) {
    const op = "NGramLM";
    if (!Number.isInteger(order) || order < 1) throw new Error(`${op}: order must be an integer ≥ 1, got ${describe(order)}`);
    this.order = order;
    const smoothing = options.smoothing ?? "kn";
    if (smoothing !== "addk" && smoothing !== "kn" && smoothing !== "mkn") throw new Error(`${op}: smoothing must be "addk", "kn" or "mkn", got ${describe(smoothing)}`);
    this.smoothing = smoothing;
    this.kValue = checkK(op, options.k ?? 1);
    const d = options.discount ?? (smoothing === "mkn" ? "auto" : 0.75);
    const bad = (): never => {
      throw new Error(`${op}: discount for "${smoothing}" must be ${smoothing === "mkn" ? "[D1, D2, D3+] with 0 ≤ D1 ≤ 1, 0 ≤ D2 ≤ 2, 0 ≤ D3+ ≤ 3" : "a number in [0, 1]"} or "auto", got ${JSON.stringify(d) ?? describe(d)}`);
    };
    if (d !== "auto") {
      if (smoothing === "mkn") {
        if (!Array.isArray(d) || d.length !== 3 || !d.every((x, i) => typeof x === "number" && x >= 0 && x <= i + 1)) bad();
      } else if (typeof d !== "number" || !(d >= 0 && d <= 1)) bad();
    }
    this.discountOption = d;
    this.bos = options.bos ?? "<s>";
    this.eos = options.eos === undefined ? "</s>" : options.eos;
    this.unk = options.unk ?? "<unk>";
    for (const [name, t] of [["bos", this.bos], ["eos", this.eos], ["unk", this.unk]] as const) {
      if (t !== null && (typeof t !== "string" || t.length === 0)) throw new Error(`${op}: ${name} must be a non-empty string, got ${describe(t)}`);
    }
    if (new Set([this.bos, this.eos, this.unk].filter((t) => t !== null)).size !== (this.eos === null ? 2 : 3)) {
      throw new Error(`${op}: bos, eos and unk must be different tokens, got ${JSON.stringify([this.bos, this.eos, this.unk])}`);
    }
    this.minFreq = options.minFreq ?? 1;
    if (!Number.isInteger(this.minFreq) || this.minFreq < 1) throw new Error(`${op}: minFreq must be an integer ≥ 1, got ${describe(options.minFreq)}`);
  }

  /** Counts the n-grams of `sequences` (arrays of tokens) and estimates the discounts. */
  fit(sequences: readonly (readonly string[])[]): this {
    const op = "NGramLM.fit";
    checkSequences(op, sequences);
    // 1. Vocabulary.
    const freq = new Map<string, number>();
    for (const seq of sequences) {
      for (const t of seq) {
        if (t === this.bos || t === this.eos) throw new Error(`${op}: the sequences contain the reserved token ${JSON.stringify(t)} (padding is added by the model)`);
        freq.set(t, (freq.get(t) ?? 0) + 1);
      }
    }
    this.vocab = [...freq].filter(([t, c]) => c >= this.minFreq && t !== this.unk).map(([t]) => t);
    if (this.eos !== null) this.vocab.push(this.eos);
    this.vocab.push(this.unk);
    this.ids = new Map(this.vocab.map((t, i) => [t, i]));
    this.unkId = this.ids.get(this.unk)!;
    this.eosId = this.eos === null ? -1 : this.ids.get(this.eos)!;
    this.bosId = this.vocab.length;
    this.wide = this.bosId > 0xffff;
    // 2. Raw counts at the highest order.
    const n = this.order;
    this.levels = Array.from({ length: n }, () => new Map<string, Context>());
    for (const seq of sequences) {
      const padded = this.pad(seq);
      for (let i = n - 1; i < padded.length; i++) bump(this.levels[n - 1]!, this.key(padded, i - n + 1, i), padded[i]!, 1);
    }
    // 3. Continuation counts below it: each distinct (u h, w) at order k + 1 adds one to (h, w) at order k.
    for (let k = n - 1; k >= 1; k--) {
      const width = this.wide ? 2 : 1;
      for (const [key, ctx] of this.levels[k]!) {
        const lower = key.slice(width);
        for (const w of ctx.words.keys()) bump(this.levels[k - 1]!, lower, w, 1);
      }
    }
    // 4. Discounts and the mass each context passes down.
    this.discounts = this.levels.map((level) => this.estimateDiscounts(level));
    this.levels.forEach((level, i) => {
      const [d1, d2, d3] = this.discounts[i]!;
      for (const ctx of level.values()) {
        let total = 0;
        let kept = 0;
        for (const c of ctx.words.values()) {
          total += c;
          kept += Math.max(c - (c === 1 ? d1 : c === 2 ? d2 : d3), 0);
        }
        ctx.total = total;
        ctx.gamma = (total - kept) / total;
      }
    });
    this.fitted = true;
    return this;
  }

  /** The k of add-k. It only enters predictions, so it may be changed after `fit` (e.g. to tune it on held-out text). */
  get k(): number {
    return this.kValue;
  }

  set k(value: number) {
    this.kValue = checkK("NGramLM.k", value);
  }

  private estimateDiscounts(level: Map<string, Context>): [number, number, number] {
    if (this.smoothing === "addk") return [0, 0, 0];
    const d = this.discountOption;
    if (d !== "auto") return typeof d === "number" ? [d, d, d] : [d[0], d[1], d[2]];
    const nr = [0, 0, 0, 0, 0];
    for (const ctx of level.values()) for (const c of ctx.words.values()) if (c <= 4) nr[c]!++;
    const [, n1, n2, n3, n4] = nr as [number, number, number, number, number];
    const y = n1 / (n1 + 2 * n2);
    // Orders whose counts of counts leave an estimate undefined (e.g. characters at order 1, where every count
    // is large) fall back to fixed discounts: 0.75 (J&M), or KenLM's --discount_fallback 0.5, 1, 1.5.
    if (this.smoothing === "kn" && n1 + n2 === 0) return [0.75, 0.75, 0.75];
    if (this.smoothing === "mkn" && (n1 === 0 || n2 === 0 || n3 === 0)) return [0.5, 1, 1.5];
    if (this.smoothing === "kn") return [y, y, y];
    // Few counts can push an estimate out of [0, r] (e.g. D₂ < 0 for characters); clamp it there.
    const clamp = (x: number, r: number): number => Math.min(Math.max(x, 0), r);
    return [clamp(1 - 2 * y * (n2 / n1), 1), clamp(2 - 3 * y * (n3 / n2), 2), clamp(3 - 4 * y * (n4 / n3), 3)];
  }

  /** The vocabulary size |V| (training tokens, `eos`, `unk`). */
  get vocabSize(): number {
    return this.vocab.length;
  }

  /** P(word | context): the last n − 1 tokens of `context` count (fewer are padded with `bos`); unknown tokens are `unk`. */
  prob(word: string, context: readonly string[] = []): number {
    this.requireFitted("prob");
    if (typeof word !== "string") throw new Error(`NGramLM.prob: word must be a string, got ${describe(word)}`);
    if (word === this.bos) throw new Error(`NGramLM.prob: the start token ${JSON.stringify(this.bos)} is never predicted`);
    const ctx = this.contextIds("NGramLM.prob", context);
    return this.probId(this.ids.get(word) ?? this.unkId, ctx, ctx.length - (this.order - 1));
  }

  /** ln P(word | context). */
  logProb(word: string, context: readonly string[] = []): number {
    return Math.log(this.prob(word, context));
  }

  /** P(· | context) over `vocab` (sums to 1). */
  distribution(context: readonly string[] = []): Float64Array {
    this.requireFitted("distribution");
    const ctx = this.contextIds("NGramLM.distribution", context);
    return this.distributionIds(ctx, ctx.length - (this.order - 1));
  }

  /** Mean negative log-likelihood per predicted token (each token, plus `eos` per sequence), in nats. */
  crossEntropy(sequences: readonly (readonly string[])[]): number {
    this.requireFitted("crossEntropy");
    checkSequences("NGramLM.crossEntropy", sequences);
    let nll = 0;
    let count = 0;
    for (const seq of sequences) {
      const padded = this.pad(seq);
      for (let i = this.order - 1; i < padded.length; i++) {
        nll -= Math.log(this.probId(padded[i]!, padded, i - this.order + 1));
        count++;
      }
    }
    if (count === 0) throw new Error("NGramLM.crossEntropy: the sequences hold no token to predict");
    return nll / count;
  }

  /** exp(cross-entropy): the per-token perplexity of `sequences`. */
  perplexity(sequences: readonly (readonly string[])[]): number {
    return Math.exp(this.crossEntropy(sequences));
  }

  /**
   * Samples tokens one at a time from P(· | the last n − 1 tokens), after `context` (default: the start of
   * a sequence), until `eos` or `maxTokens`; `unk` is never drawn. Seeded: `seed` or `generator`.
   */
  generate(options: { maxTokens: number; context?: readonly string[]; seed?: number; generator?: Generator }): string[] {
    this.requireFitted("generate");
    const op = "NGramLM.generate";
    const maxTokens = options.maxTokens;
    if (!Number.isInteger(maxTokens) || maxTokens < 0) throw new Error(`${op}: maxTokens must be a non-negative integer, got ${describe(maxTokens)}`);
    const g = options.generator ?? new Generator(options.seed ?? 0);
    const ctx = this.contextIds(op, options.context ?? []);
    const out: string[] = [];
    while (out.length < maxTokens) {
      const p = this.distributionIds(ctx, ctx.length - (this.order - 1));
      p[this.unkId] = 0;
      const w = g.categorical(p);
      if (w === this.eosId) break;
      out.push(this.vocab[w]!);
      ctx.push(w);
    }
    return out;
  }

  /** P(w | ids[start … start + n − 2]) (start may be negative: positions before 0 are `bos`). */
  private probId(w: number, ids: readonly number[], start: number): number {
    const n = this.order;
    const V = this.vocab.length;
    if (this.smoothing === "addk") {
      const ctx = this.levels[n - 1]!.get(this.key(ids, start, start + n - 1));
      const c = ctx?.words.get(w) ?? 0;
      return (c + this.k) / ((ctx?.total ?? 0) + this.k * V);
    }
    let p = 1 / V;
    for (let k = 1; k <= n; k++) {
      const ctx = this.levels[k - 1]!.get(this.key(ids, start + n - k, start + n - 1));
      if (!ctx) continue;
      const c = ctx.words.get(w) ?? 0;
      p = ctx.gamma * p + (c > 0 ? (c - Math.min(c, this.discountFor(k, c))) / ctx.total : 0);
    }
    return p;
  }

  private distributionIds(ids: readonly number[], start: number): Float64Array {
    const n = this.order;
    const V = this.vocab.length;
    const p = new Float64Array(V);
    if (this.smoothing === "addk") {
      const ctx = this.levels[n - 1]!.get(this.key(ids, start, start + n - 1));
      const denom = (ctx?.total ?? 0) + this.k * V;
      p.fill(this.k / denom);
      if (ctx) for (const [w, c] of ctx.words) p[w]! += c / denom;
      return p;
    }
    p.fill(1 / V);
    for (let k = 1; k <= n; k++) {
      const ctx = this.levels[k - 1]!.get(this.key(ids, start + n - k, start + n - 1));
      if (!ctx) continue;
      for (let w = 0; w < V; w++) p[w]! *= ctx.gamma;
      for (const [w, c] of ctx.words) p[w]! += (c - Math.min(c, this.discountFor(k, c))) / ctx.total;
    }
    return p;
  }

  private discountFor(k: number, c: number): number {
    const d = this.discounts[k - 1]!;
    return c === 1 ? d[0] : c === 2 ? d[1] : d[2];
  }

  /** `bos`×(n−1), the ids of `seq` (unknown → unk), and `eos`. */
  private pad(seq: readonly string[]): number[] {
    const out = new Array<number>(this.order - 1).fill(this.bosId);
    for (const t of seq) out.push(this.ids.get(t) ?? this.unkId);
    if (this.eos !== null) out.push(this.eosId);
    return out;
  }

  private contextIds(op: string, context: readonly string[]): number[] {
    if (!Array.isArray(context)) throw new Error(`${op}: context must be an array of tokens, got ${describe(context)}`);
    return context.map((t, i) => {
      if (typeof t !== "string") throw new Error(`${op}: context token ${i} must be a string, got ${describe(t)}`);
      if (t === this.bos) return this.bosId;
      return this.ids.get(t) ?? this.unkId;
    });
  }

  /** The map key of ids[from … to − 1]; positions before 0 are `bos`. */
  private key(ids: readonly number[], from: number, to: number): string {
    let s = "";
    for (let i = from; i < to; i++) {
      const id = i < 0 ? this.bosId : ids[i]!;
      s += this.wide ? String.fromCharCode(id >>> 16, id & 0xffff) : String.fromCharCode(id);
    }
    return s;
  }

  private requireFitted(method: string): void {
    if (!this.fitted) throw new Error(`NGramLM.${method}: the model is not fitted yet; call fit(sequences) first`);
  }
}

function checkK(op: string, k: unknown): number {
  if (typeof k !== "number" || !(k >= 0) || !Number.isFinite(k)) throw new Error(`${op}: k must be a finite number ≥ 0, got ${describe(k)}`);
  return k;
}

function bump(level: Map<string, Context>, key: string, w: number, by: number): void {
  let ctx = level.get(key);
  if (!ctx) level.set(key, (ctx = { words: new Map(), total: 0, gamma: 0 }));
  ctx.words.set(w, (ctx.words.get(w) ?? 0) + by);
}

function checkSequences(op: string, sequences: unknown): void {
  if (!Array.isArray(sequences)) throw new Error(`${op}: expected an array of token sequences (arrays of strings), got ${describe(sequences)}`);
  sequences.forEach((seq, i) => {
    if (!Array.isArray(seq)) throw new Error(`${op}: sequence ${i} must be an array of tokens, got ${typeof seq === "string" ? "a string (split it into tokens first)" : describe(seq)}`);
    for (const t of seq) if (typeof t !== "string") throw new Error(`${op}: sequence ${i} holds a non-string token ${describe(t)}`);
  });
}
