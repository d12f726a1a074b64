// BPETokenizer: byte-level byte-pair encoding in the GPT-2 style, trained on a corpus; round-trips every byte string.
import { describe } from "../tensor/validate.js";
import { checkIds, checkTokenizerJSON, type Tokenizer, type TokenizerJSON } from "./Tokenizer.js";
import { GPT2_PATTERN, bytesToUnicode, preTokenizeBytes, preTokenizeText, unicodeToBytes, utf8Decode, utf8Encode } from "./byteLevel.js";
import { globalPattern } from "./WordTokenizer.js";
import { checkSpecials, corpusDocuments, splitOnSpecials } from "./strings.js";

/**
 * Options of {@link BPETokenizer.train}: the target vocabulary size or number of merges, special tokens and
 * the pre-tokenizer pattern.
 */
export interface BPETrainOptions {
  /** Size of the vocabulary to reach: 256 bytes + merges + specials. Give this or `numMerges`. */
  vocabSize?: number;
  /** Number of merges to learn. */
  numMerges?: number;
  /** Special tokens (e.g. `"<|endoftext|>"`): kept whole in `encode`, ids after the merges. */
  specials?: string[];
  /** Pre-tokenizer: merges never cross the pieces it matches. Default GPT-2's pattern. */
  pattern?: RegExp | string;
  /** Stop early when the most frequent pair occurs fewer times than this (default 1). */
  minFrequency?: number;
}

/** Ids are < 2^20, so a pair (a, b) packs into one number a·2^20 + b, ordered as (a, b) lexicographically. */
const PAIR = 1 << 20;

/**
 * Byte-level BPE (Sennrich et al. 2016, https://arxiv.org/abs/1508.07909, on bytes as GPT-2,
 * Radford et al. 2019). Ids 0–255 are the bytes themselves, id 256 + r is the r-th merge, the
 * specials follow.
 *
 * Training: the corpus is cut into pieces by the pre-tokenizing pattern; each distinct piece is a
 * sequence of byte ids weighted by its count. Each step merges the most frequent adjacent pair
 * (counted within pieces, weighted); **ties go to the pair with the smaller ids, compared first id
 * first** — e.g. (101, 115) before (115, 116) — and every occurrence is replaced left to right,
 * without overlap.
 *
 * Encoding cuts text the same way and applies the learned merges to each piece by rank, lowest
 * first (GPT-2's `bpe`). Text is encoded as UTF-8 (`TextEncoder`: a lone surrogate becomes U+FFFD),
 * so `decode(encode(s))` is `s` for every well-formed string; `encodeBytes`/`decodeBytes` take any
 * bytes, valid UTF-8 or not, and give them back exactly.
 *
 * ```ts
 * const bpe = BPETokenizer.train(text, { vocabSize: 512, specials: ["<|endoftext|>"] });
 * const ids = bpe.encode("To be, or not to be<|endoftext|>");
 * bpe.decode(ids);   // "To be, or not to be<|endoftext|>"
 * ```
 */
export class BPETokenizer implements Tokenizer {
  /** The merges in rank order: merge r joins ids `merges[r]` into id 256 + r. */
  readonly merges: readonly (readonly [number, number])[];
  readonly specials: readonly string[];
  readonly pattern: RegExp;
  private readonly ranks = new Map<number, number>();
  private readonly tokenBytes: Uint8Array[] = [];
  private readonly specialIds = new Map<string, number>();
  private cache = new Map<string, number[]>();
  private byBytes: Map<string, number> | null = null;

  constructor(merges: readonly (readonly [number, number])[], options: { specials?: string[]; pattern?: RegExp | string } = {}) {
    if (!Array.isArray(merges)) throw new Error(`BPETokenizer: merges must be an array of [id, id] pairs, got ${describe(merges)}`);
    for (let b = 0; b < 256; b++) this.tokenBytes.push(Uint8Array.of(b));
    merges.forEach((pair, r) => {
      const id = 256 + r;
      const ok = Array.isArray(pair) && pair.length === 2 && pair.every((x) => Number.isInteger(x) && x >= 0 && x < id);
      if (!ok) throw new Error(`BPETokenizer: merge ${r} must be a pair of ids below ${id}, got ${JSON.stringify(pair)}`);
      const key = pair[0] * PAIR + pair[1];
      if (this.ranks.has(key)) throw new Error(`BPETokenizer: merge ${r} repeats merge ${this.ranks.get(key)} (${pair[0]}, ${pair[1]})`);
      this.ranks.set(key, r);
      const left = this.tokenBytes[pair[0]]!;
      const right = this.tokenBytes[pair[1]]!;
      const bytes = new Uint8Array(left.length + right.length);
      bytes.set(left);
      bytes.set(right, left.length);
      this.tokenBytes.push(bytes);
    });
    if (256 + merges.length >= PAIR) throw new Error(`BPETokenizer: at most ${PAIR - 256} merges, got ${merges.length}`);
    this.merges = Object.freeze(merges.map((p) => Object.freeze([p[0], p[1]] as const)));
    this.specials = Object.freeze(checkSpecials("BPETokenizer", options.specials));
    this.specials.forEach((s, i) => {
      this.specialIds.set(s, 256 + merges.length + i);
      this.tokenBytes.push(utf8Encode(s));
    });
    this.pattern = globalPattern("BPETokenizer", options.pattern ?? GPT2_PATTERN);
  }

  /** Learns merges on `corpus` (one string or many: merges never cross documents, pieces or specials). */
  static train(corpus: string | string[], options: BPETrainOptions = {}): BPETokenizer {
    const op = "BPETokenizer.train";
    const docs = corpusDocuments(op, corpus);
    const specials = checkSpecials(op, options.specials);
    const pattern = globalPattern(op, options.pattern ?? GPT2_PATTERN);
    if ((options.vocabSize === undefined) === (options.numMerges === undefined)) {
      throw new Error(`${op}: give exactly one of vocabSize and numMerges, got vocabSize=${describe(options.vocabSize)}, numMerges=${describe(options.numMerges)}`);
    }
    let numMerges: number;
    if (options.vocabSize !== undefined) {
      const v = options.vocabSize;
      if (!Number.isInteger(v) || v < 256 + specials.length || v > PAIR) {
        throw new Error(`${op}: vocabSize must be an integer from ${256 + specials.length} (256 bytes + ${specials.length} specials) to ${PAIR}, got ${describe(v)}`);
      }
      numMerges = v - 256 - specials.length;
    } else {
      numMerges = options.numMerges!;
      if (!Number.isInteger(numMerges) || numMerges < 0 || numMerges > PAIR - 256 - specials.length) throw new Error(`${op}: numMerges must be a non-negative integer, got ${describe(numMerges)}`);
    }
    const minFrequency = options.minFrequency ?? 1;
    if (!(typeof minFrequency === "number" && minFrequency >= 1)) throw new Error(`${op}: minFrequency must be a number ≥ 1, got ${describe(minFrequency)}`);

    // 1. Distinct pieces and their counts.
    const pieceIndex = new Map<string, number>();
    const words: number[][] = [];
    const counts: number[] = [];
    for (const doc of docs) {
      for (const part of splitOnSpecials(doc, specials)) {
        if (part.special) continue;
        for (const bytes of preTokenizeText(part.text, pattern)) {
          const key = latin1(bytes);
          const w = pieceIndex.get(key);
          if (w !== undefined) counts[w]!++;
          else {
            pieceIndex.set(key, words.length);
            words.push(Array.from(bytes));
            counts.push(1);
          }
        }
      }
    }

    // 2. Pair counts, the pieces each pair occurs in, and a max-heap over (count, pair).
    const pairCounts = new Map<number, number>();
    const pairWords = new Map<number, Set<number>>();
    const addPairs = (w: number, sign: 1 | -1, delta: Map<number, number>): void => {
      const word = words[w]!;
      const c = counts[w]! * sign;
      for (let i = 0; i + 1 < word.length; i++) {
        const key = word[i]! * PAIR + word[i + 1]!;
        delta.set(key, (delta.get(key) ?? 0) + c);
        if (sign > 0) {
          let set = pairWords.get(key);
          if (!set) pairWords.set(key, (set = new Set()));
          set.add(w);
        }
      }
    };
    const heap = new PairHeap();
    const apply = (delta: Map<number, number>): void => {
      for (const [key, d] of delta) {
        if (d === 0) continue;
        const c = (pairCounts.get(key) ?? 0) + d;
        if (c > 0) {
          pairCounts.set(key, c);
          heap.push(c, key);
        } else {
          pairCounts.delete(key);
          pairWords.delete(key);
        }
      }
    };
    const initial = new Map<number, number>();
    for (let w = 0; w < words.length; w++) addPairs(w, 1, initial);
    apply(initial);

    // 3. Merge the most frequent pair, numMerges times (stale heap entries are skipped).
    const merges: [number, number][] = [];
    while (merges.length < numMerges) {
      let best: { count: number; key: number } | undefined;
      while ((best = heap.pop()) !== undefined && pairCounts.get(best.key) !== best.count);
      if (best === undefined || best.count < minFrequency) break;
      const a = Math.floor(best.key / PAIR);
      const b = best.key % PAIR;
      const id = 256 + merges.length;
      merges.push([a, b]);
      const delta = new Map<number, number>();
      for (const w of pairWords.get(best.key) ?? []) {
        addPairs(w, -1, delta);
        words[w] = mergePair(words[w]!, a, b, id);
        addPairs(w, 1, delta);
      }
      apply(delta);
      pairCounts.delete(best.key);
      pairWords.delete(best.key);
    }
    return new BPETokenizer(merges, { specials, pattern });
  }

  get vocabSize(): number {
    return 256 + this.merges.length + this.specials.length;
  }

  /** Ids of `text`: specials whole, everything else as UTF-8 bytes merged by BPE. */
  encode(text: string): number[] {
    if (typeof text !== "string") throw new Error(`BPETokenizer.encode: text must be a string, got ${describe(text)}`);
    const ids: number[] = [];
    for (const part of splitOnSpecials(text, this.specials)) {
      if (part.special) ids.push(this.specialIds.get(part.text)!);
      else for (const bytes of preTokenizeText(part.text, this.pattern)) for (const id of this.encodePiece(bytes)) ids.push(id);
    }
    return ids;
  }

  /** Ids of arbitrary bytes (not necessarily UTF-8; special tokens are not looked for). */
  encodeBytes(bytes: Uint8Array): number[] {
    if (!(bytes instanceof Uint8Array)) throw new Error(`BPETokenizer.encodeBytes: expected a Uint8Array, got ${describe(bytes)}`);
    const ids: number[] = [];
    for (const piece of preTokenizeBytes(bytes, this.pattern)) for (const id of this.encodePiece(piece)) ids.push(id);
    return ids;
  }

  /** The bytes the ids stand for. */
  decodeBytes(ids: readonly number[]): Uint8Array {
    return this.bytesOf(checkIds("BPETokenizer.decodeBytes", ids, this.vocabSize));
  }

  /** The text of the ids' bytes, decoded as UTF-8 (ill-formed bytes become U+FFFD). */
  decode(ids: readonly number[]): string {
    return utf8Decode(this.bytesOf(checkIds("BPETokenizer.decode", ids, this.vocabSize)));
  }

  private bytesOf(ids: readonly number[]): Uint8Array {
    let n = 0;
    for (let i = 0; i < ids.length; i++) n += this.tokenBytes[ids[i]!]!.length;
    const out = new Uint8Array(n);
    let at = 0;
    for (let i = 0; i < ids.length; i++) {
      const bytes = this.tokenBytes[ids[i]!]!;
      out.set(bytes, at);
      at += bytes.length;
    }
    return out;
  }

  /** A token as GPT-2 writes it: its bytes through `bytes_to_unicode` (`"Ġthe"`), or the special token itself. */
  idToToken(id: number): string {
    checkIds("BPETokenizer.idToToken", [id], this.vocabSize);
    const special = id - 256 - this.merges.length;
    return special >= 0 ? this.specials[special]! : bytesToUnicode(this.tokenBytes[id]!);
  }

  /** The id of a token written as `idToToken` writes it, or undefined. */
  tokenToId(token: string): number | undefined {
    const special = this.specialIds.get(token);
    if (special !== undefined) return special;
    if (this.byBytes === null) {
      this.byBytes = new Map();
      for (let id = 0; id < 256 + this.merges.length; id++) this.byBytes.set(latin1(this.tokenBytes[id]!), id);
    }
    const bytes = unicodeToBytes(token);
    return bytes === undefined ? undefined : this.byBytes.get(latin1(bytes));
  }

  /** GPT-2's `bpe`: repeatedly merge the adjacent pair of lowest rank, all its occurrences at once. */
  private encodePiece(bytes: Uint8Array): number[] {
    const key = latin1(bytes);
    const cached = this.cache.get(key);
    if (cached) return cached;
    let word = Array.from(bytes);
    while (word.length > 1) {
      let bestRank = Infinity;
      for (let i = 0; i + 1 < word.length; i++) {
        const r = this.ranks.get(word[i]! * PAIR + word[i + 1]!);
        if (r !== undefined && r < bestRank) bestRank = r;
      }
      if (bestRank === Infinity) break;
      const [a, b] = this.merges[bestRank]!;
      word = mergePair(word, a, b, 256 + bestRank);
    }
    if (this.cache.size > 100_000) this.cache = new Map();
    this.cache.set(key, word);
    return word;
  }

  toJSON(): TokenizerJSON {
    const tokens = this.tokenBytes.map((b) => bytesToUnicode(b));
    return {
      type: "bpe",
      version: 1,
      pattern: this.pattern.source,
      flags: this.pattern.flags.replace("g", ""),
      specials: [...this.specials],
      merges: this.merges.map(([a, b]) => `${tokens[a]} ${tokens[b]}`),
    };
  }

  /** Rebuilds a tokenizer from `toJSON()` output (merges written as GPT-2's merges.txt lines, `"Ġ t"`). */
  static fromJSON(json: TokenizerJSON | string): BPETokenizer {
    const op = "BPETokenizer.fromJSON";
    const obj = checkTokenizerJSON(op, json, "bpe");
    if (!Array.isArray(obj.merges)) throw new Error(`${op}: merges must be an array of "left right" strings, got ${describe(obj.merges)}`);
    const ids = new Map<string, number>();
    for (let b = 0; b < 256; b++) ids.set(bytesToUnicode([b]), b);
    const merges = (obj.merges as unknown[]).map((line, r): [number, number] => {
      const parts = typeof line === "string" ? line.split(" ") : [];
      const a = ids.get(parts[0] ?? "");
      const b = ids.get(parts[1] ?? "");
      if (parts.length !== 2 || a === undefined || b === undefined) throw new Error(`${op}: merge ${r} (${describe(line)}) must be two known tokens separated by one space`);
      ids.set(parts[0]! + parts[1]!, 256 + r);
      return [a, b];
    });
    const pattern = typeof obj.pattern === "string" ? new RegExp(obj.pattern, typeof obj.flags === "string" ? obj.flags : "u") : undefined;
    return new BPETokenizer(merges, { specials: obj.specials as string[] | undefined, pattern });
  }
}

/** `word` with every occurrence of (a, b), left to right and without overlap, replaced by `id`. */
function mergePair(word: readonly number[], a: number, b: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < word.length; i++) {
    if (i + 1 < word.length && word[i] === a && word[i + 1] === b) {
      out.push(id);
      i++;
    } else out.push(word[i]!);
  }
  return out;
}

/** Bytes as a string of char codes 0–255 (a Map key). */
function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/** A binary max-heap of (count, pair key): larger count first, then smaller key. */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];

  private before(i: number, j: number): boolean {
    const ci = this.counts[i]!;
    const cj = this.counts[j]!;
    return ci > cj || (ci === cj && this.keys[i]! < this.keys[j]!);
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j]!, this.counts[i]!];
    [this.keys[i], this.keys[j]] = [this.keys[j]!, this.keys[i]!];
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { count: number; key: number } | undefined {
    const n = this.counts.length;
    if (n === 0) return undefined;
    const top = { count: this.counts[0]!, key: this.keys[0]! };
    this.swap(0, n - 1);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n - 1 && this.before(l, m)) m = l;
      if (r < n - 1 && this.before(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}
