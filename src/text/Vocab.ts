// Vocab: a two-way map between tokens and integer ids, built from token frequencies (torchtext's rules).
import { describe } from "../tensor/validate.js";
import { checkSpecials, compareCodePoints } from "./strings.js";

/**
 * Options of {@link Vocab.fromTokens} and {@link Vocab.fromCounts} (as torchtext's
 * `build_vocab_from_iterator`): the minimum frequency, a maximum size, special tokens and their position, and
 * the unknown token.
 */
export interface VocabOptions {
  /** Tokens seen fewer times than this are left out (default 1). */
  minFreq?: number;
  /** At most this many entries, specials included (default: no limit). */
  maxSize?: number;
  /** Tokens placed first (or last, see `specialFirst`) whatever their frequency, e.g. `["<pad>", "<unk>"]`. */
  specials?: string[];
  /** The token unknown tokens map to; added to `specials` (first) when not listed there. Default: none, so unknown tokens are an error. */
  unkToken?: string | null;
  /** Specials take the first ids (default true), else the last. */
  specialFirst?: boolean;
}

/** The JSON form of a Vocab (`vocab.toJSON()`, `Vocab.fromJSON`). */
export interface VocabJSON {
  itos: string[];
  unkToken: string | null;
  specials: string[];
}

/**
 * Tokens ↔ ids. `Vocab.fromTokens` / `fromCounts` order the entries as torchtext's
 * `build_vocab_from_iterator`: the specials, then the other tokens by decreasing frequency, ties in
 * code-point order of the token; tokens rarer than `minFreq` are left out, and the list is cut at
 * `maxSize` entries (specials included).
 *
 * ```ts
 * const vocab = Vocab.fromTokens("to be or not to be".split(" "), { unkToken: "<unk>" });
 * vocab.itos;            // ["<unk>", "be", "to", "not", "or"]
 * vocab.index("to");     // 2
 * vocab.index("xyz");    // 0 (the unknown token)
 * ```
 */
export class Vocab {
  /** id → token. */
  readonly itos: readonly string[];
  /** token → id. */
  readonly stoi: ReadonlyMap<string, number>;
  /** The token that unknown tokens map to, or null (then an unknown token is an error). */
  readonly unkToken: string | null;
  /** The id of `unkToken`, or null. */
  readonly unkIndex: number | null;
  /** The special tokens (they keep their ids whatever their frequency). */
  readonly specials: readonly string[];

  constructor(itos: readonly string[], options: { unkToken?: string | null; specials?: string[] } = {}) {
    if (!Array.isArray(itos)) throw new Error(`Vocab: itos must be an array of strings, got ${describe(itos)}`);
    const stoi = new Map<string, number>();
    itos.forEach((token, i) => {
      if (typeof token !== "string") throw new Error(`Vocab: entry ${i} must be a string, got ${describe(token)}`);
      if (stoi.has(token)) throw new Error(`Vocab: token ${JSON.stringify(token)} appears twice (ids ${stoi.get(token)} and ${i})`);
      stoi.set(token, i);
    });
    const unk = options.unkToken ?? null;
    if (unk !== null && !stoi.has(unk)) throw new Error(`Vocab: unkToken ${JSON.stringify(unk)} is not among the ${itos.length} tokens`);
    const specials = checkSpecials("Vocab", options.specials);
    for (const s of specials) if (!stoi.has(s)) throw new Error(`Vocab: special token ${JSON.stringify(s)} is not among the ${itos.length} tokens`);
    this.itos = Object.freeze([...itos]);
    this.stoi = stoi;
    this.unkToken = unk;
    this.unkIndex = unk === null ? null : stoi.get(unk)!;
    this.specials = Object.freeze(specials);
  }

  /** Builds a vocabulary from a stream of tokens (counted here). */
  static fromTokens(tokens: Iterable<string>, options: VocabOptions = {}): Vocab {
    const counts = new Map<string, number>();
    for (const t of tokens) {
      if (typeof t !== "string") throw new Error(`Vocab.fromTokens: tokens must be strings, got ${describe(t)}`);
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    return Vocab.fromCounts(counts, options);
  }

  /** Builds a vocabulary from token frequencies. */
  static fromCounts(counts: ReadonlyMap<string, number> | Record<string, number>, options: VocabOptions = {}): Vocab {
    const op = "Vocab.fromCounts";
    const minFreq = options.minFreq ?? 1;
    if (typeof minFreq !== "number" || !Number.isInteger(minFreq) || minFreq < 1) throw new Error(`${op}: minFreq must be an integer ≥ 1, got ${describe(minFreq)}`);
    const maxSize = options.maxSize;
    if (maxSize !== undefined && (typeof maxSize !== "number" || !Number.isInteger(maxSize) || maxSize < 1)) {
      throw new Error(`${op}: maxSize must be an integer ≥ 1, got ${describe(maxSize)}`);
    }
    const unkToken = options.unkToken ?? null;
    if (unkToken !== null && (typeof unkToken !== "string" || unkToken.length === 0)) throw new Error(`${op}: unkToken must be a non-empty string or null, got ${describe(unkToken)}`);
    let specials = checkSpecials(op, options.specials);
    if (unkToken !== null && !specials.includes(unkToken)) specials = [unkToken, ...specials];
    if (maxSize !== undefined && maxSize < specials.length) throw new Error(`${op}: maxSize ${maxSize} is smaller than the ${specials.length} special tokens`);
    const entries = counts instanceof Map ? [...counts.entries()] : Object.entries(counts);
    const specialSet = new Set(specials);
    const kept = entries.filter(([token, count]) => {
      if (typeof count !== "number" || !(count >= 0)) throw new Error(`${op}: the count of ${JSON.stringify(token)} must be a non-negative number, got ${describe(count)}`);
      return !specialSet.has(token) && count >= minFreq;
    });
    kept.sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
    let tokens = kept.map(([token]) => token);
    if (maxSize !== undefined) tokens = tokens.slice(0, maxSize - specials.length);
    const itos = (options.specialFirst ?? true) ? [...specials, ...tokens] : [...tokens, ...specials];
    return new Vocab(itos, { unkToken, specials });
  }

  /** The number of tokens. */
  get length(): number {
    return this.itos.length;
  }

  has(token: string): boolean {
    return this.stoi.has(token);
  }

  /** The id of `token`; an unknown token gives `unkIndex`, or an error when there is no unknown token. */
  index(token: string): number {
    const id = this.stoi.get(token);
    if (id !== undefined) return id;
    if (this.unkIndex !== null) return this.unkIndex;
    throw new Error(`Vocab.index: token ${describe(token)} is not in the vocabulary (${this.itos.length} tokens) and the vocabulary has no unkToken`);
  }

  /** The token with id `index`. */
  token(index: number): string {
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= this.itos.length) {
      throw new Error(`Vocab.token: id ${describe(index)} is out of range for a vocabulary of ${this.itos.length} tokens`);
    }
    return this.itos[index]!;
  }

  lookupIndices(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.index(t));
  }

  lookupTokens(indices: readonly number[]): string[] {
    return indices.map((i) => this.token(i));
  }

  toJSON(): VocabJSON {
    return { itos: [...this.itos], unkToken: this.unkToken, specials: [...this.specials] };
  }

  static fromJSON(json: VocabJSON): Vocab {
    if (json === null || typeof json !== "object" || !Array.isArray(json.itos)) throw new Error(`Vocab.fromJSON: expected { itos, unkToken, specials }, got ${describe(json)}`);
    return new Vocab(json.itos, { unkToken: json.unkToken ?? null, specials: json.specials ?? [] });
  }
}
