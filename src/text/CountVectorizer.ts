// CountVectorizer: documents → term-count matrix, with scikit-learn's options, defaults and results.
import { describe } from "../tensor/validate.js";
import { SparseMatrix } from "./SparseMatrix.js";
import { groupCount, pythonRegex } from "./pythonRegex.js";
import { compareCodePoints } from "./strings.js";

/** A document-frequency limit: an integer is a number of documents, another number a fraction of them (see `minDf`). */
export type DfLimit = number | { count: number } | { fraction: number };

/**
 * Options of {@link CountVectorizer} (scikit-learn's arguments in camelCase): lower-casing, accent
 * stripping, the token pattern or a custom preprocessor/tokenizer/analyzer, the n-gram range, stop
 * words, document-frequency limits, a maximum number of features, binary counts and a fixed vocabulary.
 */
export interface CountVectorizerOptions {
  /** Lower-case documents before tokenizing (default true). */
  lowercase?: boolean;
  /**
   * What a token is, in Python syntax as scikit-learn (default `"(?u)\\b\\w\\w+\\b"`: runs of two or more
   * word characters, `\w` meaning Unicode letters, numbers and `_`), or a RegExp. A pattern with one
   * capturing group yields the group. Translated by `pythonRegex`.
   */
  tokenPattern?: string | RegExp;
  /** Smallest and largest n of the n-grams (default [1, 1]). */
  ngramRange?: [number, number];
  /** `"word"` (default), `"char"` (character n-grams), `"char_wb"` (character n-grams inside words, padded with spaces), or a function doc → features (then no preprocessing). */
  analyzer?: "word" | "char" | "char_wb" | ((doc: string) => string[]);
  /**
   * Keep terms found in at least this many documents (an integer, default 1) or this fraction of
   * them (a non-integer in [0, 1]). `{ count }` / `{ fraction }` say it explicitly.
   */
  minDf?: DfLimit;
  /**
   * Keep terms found in at most this many documents (an integer ≥ 2) or this fraction (a number in
   * [0, 1]; the default 1 means 1.0 = all documents, as scikit-learn's default). For "at most one
   * document" write `{ count: 1 }`.
   */
  maxDf?: DfLimit;
  /** Keep only the most frequent terms over the corpus (after the df limits; ties: the term first in code-point order). */
  maxFeatures?: number | null;
  /** Every non-zero count becomes 1 (default false). */
  binary?: boolean;
  /** Words to drop after tokenizing (word analyzer only). */
  stopWords?: readonly string[] | null;
  /**
   * `"ascii"`: NFKD, then drop every non-ASCII character (as scikit-learn). `"unicode"`: NFKD, then drop
   * nonspacing marks (\p{Mn}) — scikit-learn drops marks of nonzero combining class: the same for
   * Latin, Greek and Cyrillic accents, but it keeps e.g. Devanagari vowel signs that this drops.
   */
  stripAccents?: "ascii" | "unicode" | null;
  /** A fixed vocabulary (terms in id order, or term → id); no fitting of terms. */
  vocabulary?: readonly string[] | ReadonlyMap<string, number> | Record<string, number> | null;
  /** Replaces lowercasing and accent stripping. */
  preprocessor?: ((doc: string) => string) | null;
  /** Replaces `tokenPattern`. */
  tokenizer?: ((doc: string) => string[]) | null;
}

function checkRange(op: string, range: unknown): [number, number] {
  const ok = Array.isArray(range) && range.length === 2 && range.every((n) => Number.isInteger(n) && n >= 1) && range[0] <= range[1];
  if (!ok) throw new Error(`${op}: ngramRange must be [minN, maxN] with integers 1 ≤ minN ≤ maxN, got ${JSON.stringify(range) ?? describe(range)}`);
  return [range[0], range[1]];
}

/** Resolves a df limit to a document count threshold for `nDocs` documents (scikit-learn: count, or fraction × nDocs). */
function dfThreshold(op: string, name: string, limit: DfLimit, nDocs: number, oneMeans: "count" | "fraction"): number {
  if (typeof limit === "object" && limit !== null) {
    if ("count" in limit && Number.isInteger(limit.count) && limit.count >= 0) return limit.count;
    if ("fraction" in limit && typeof limit.fraction === "number" && limit.fraction >= 0 && limit.fraction <= 1) return limit.fraction * nDocs;
    throw new Error(`${op}: ${name} must be { count: integer ≥ 0 } or { fraction: number in [0, 1] }, got ${JSON.stringify(limit)}`);
  }
  if (typeof limit !== "number" || !(limit >= 0)) throw new Error(`${op}: ${name} must be a non-negative number, got ${describe(limit)}`);
  if (limit === 1) return oneMeans === "count" ? 1 : nDocs;
  if (Number.isInteger(limit)) return limit;
  if (limit > 1) throw new Error(`${op}: ${name} ${limit} is neither a document count (an integer) nor a fraction in [0, 1]`);
  return limit * nDocs;
}

const PY_WHITESPACE_RUN = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]{2,}/gu;
const PY_WHITESPACE_SPLIT = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/**
 * Converts documents to a matrix of term counts, as `sklearn.feature_extraction.text.CountVectorizer`
 * (same defaults, same vocabulary order — terms sorted by code point — and same counts).
 *
 * ```ts
 * const cv = new CountVectorizer({ ngramRange: [1, 2], minDf: 2 });
 * const X = cv.fitTransform(docs);        // SparseMatrix [docs, terms]
 * cv.getFeatureNamesOut();                // ["and", "and the", ...]
 * ```
 */
export class CountVectorizer {
  readonly lowercase: boolean;
  readonly tokenPattern: string | RegExp;
  readonly ngramRange: [number, number];
  readonly analyzer: "word" | "char" | "char_wb" | ((doc: string) => string[]);
  readonly minDf: DfLimit;
  readonly maxDf: DfLimit;
  readonly maxFeatures: number | null;
  readonly binary: boolean;
  readonly stopWords: ReadonlySet<string> | null;
  readonly stripAccents: "ascii" | "unicode" | null;
  readonly preprocessor: ((doc: string) => string) | null;
  readonly tokenizer: ((doc: string) => string[]) | null;
  /** term → column, after `fit` (or the fixed vocabulary given). */
  vocabulary: Map<string, number> | null = null;
  private readonly fixedVocabulary: boolean;
  private readonly tokenRegex: RegExp;
  private readonly useGroup: boolean;
  /** The class name in error messages (a method, so the base constructor sees a subclass's). */
  protected get op(): string {
    return "CountVectorizer";
  }

  constructor(options: CountVectorizerOptions = {}) {
    const op = this.op;
    this.lowercase = options.lowercase ?? true;
    this.tokenPattern = options.tokenPattern ?? "(?u)\\b\\w\\w+\\b";
    this.tokenRegex = pythonRegex(op, this.tokenPattern);
    const groups = groupCount(this.tokenRegex);
    if (groups > 1) throw new Error(`${op}: tokenPattern ${String(this.tokenPattern)} has ${groups} capturing groups; at most one may be captured`);
    this.useGroup = groups === 1;
    this.ngramRange = checkRange(op, options.ngramRange ?? [1, 1]);
    const analyzer = options.analyzer ?? "word";
    if (typeof analyzer !== "function" && !["word", "char", "char_wb"].includes(analyzer)) {
      throw new Error(`${op}: analyzer must be "word", "char", "char_wb" or a function, got ${describe(analyzer)}`);
    }
    this.analyzer = analyzer;
    this.minDf = options.minDf ?? 1;
    this.maxDf = options.maxDf ?? 1;
    dfThreshold(op, "minDf", this.minDf, 1, "count");
    dfThreshold(op, "maxDf", this.maxDf, 1, "fraction");
    const mf = options.maxFeatures ?? null;
    if (mf !== null && !(Number.isInteger(mf) && mf >= 1)) throw new Error(`${op}: maxFeatures must be a positive integer or null, got ${describe(mf)}`);
    this.maxFeatures = mf;
    this.binary = options.binary ?? false;
    this.stopWords = options.stopWords ? new Set(options.stopWords) : null;
    const sa = options.stripAccents ?? null;
    if (sa !== null && sa !== "ascii" && sa !== "unicode") throw new Error(`${op}: stripAccents must be "ascii", "unicode" or null, got ${describe(sa)}`);
    this.stripAccents = sa;
    this.preprocessor = options.preprocessor ?? null;
    this.tokenizer = options.tokenizer ?? null;
    this.fixedVocabulary = options.vocabulary !== undefined && options.vocabulary !== null;
    if (this.fixedVocabulary) this.vocabulary = fixedVocabulary(op, options.vocabulary!);
  }

  /** Lower-casing then accent stripping (or the `preprocessor`). */
  preprocess(doc: string): string {
    if (this.preprocessor) return this.preprocessor(doc);
    let s = this.lowercase ? doc.toLowerCase() : doc;
    if (this.stripAccents === "ascii") s = s.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
    else if (this.stripAccents === "unicode" && /[^\x00-\x7f]/.test(s)) s = s.normalize("NFKD").replace(/\p{Mn}/gu, "");
    return s;
  }

  /** The tokens of a preprocessed document (`tokenizer`, or the matches of `tokenPattern`). */
  tokenize(doc: string): string[] {
    if (this.tokenizer) return this.tokenizer(doc);
    const out: string[] = [];
    for (const m of doc.matchAll(this.tokenRegex)) out.push(this.useGroup ? (m[1] ?? "") : m[0]);
    return out;
  }

  /** The features (terms) of one raw document, with repeats, as scikit-learn's `build_analyzer()(doc)`. */
  analyze(doc: string): string[] {
    if (typeof doc !== "string") throw new Error(`${this.op}: every document must be a string, got ${describe(doc)}`);
    if (typeof this.analyzer === "function") return this.analyzer(doc);
    const text = this.preprocess(doc);
    if (this.analyzer === "char") return charNgrams(text, this.ngramRange);
    if (this.analyzer === "char_wb") return charWbNgrams(text, this.ngramRange);
    let tokens = this.tokenize(text);
    if (this.stopWords) tokens = tokens.filter((t) => !this.stopWords!.has(t));
    return wordNgrams(tokens, this.ngramRange);
  }

  /** The terms in column order (scikit-learn's `get_feature_names_out()`). */
  getFeatureNamesOut(): string[] {
    const vocab = this.requireVocabulary("getFeatureNamesOut");
    const names = new Array<string>(vocab.size);
    for (const [term, j] of vocab) names[j] = term;
    return names;
  }

  fit(docs: readonly string[]): this {
    this.fitTransform(docs);
    return this;
  }

  /** Learns the vocabulary (unless fixed) and returns the count matrix [docs, terms]. */
  fitTransform(docs: readonly string[]): SparseMatrix {
    const op = `${this.op}.fitTransform`;
    checkDocs(op, docs);
    if (this.fixedVocabulary) return this.countMatrix(op, docs);
    // 1. Count every term; ids in order of first appearance for now.
    const ids = new Map<string, number>();
    const rows = docs.map((doc) => {
      const row = new Map<number, number>();
      for (const term of this.analyze(doc)) {
        let j = ids.get(term);
        if (j === undefined) ids.set(term, (j = ids.size));
        row.set(j, (row.get(j) ?? 0) + 1);
      }
      if (this.binary) for (const j of row.keys()) row.set(j, 1);
      return row;
    });
    if (ids.size === 0) throw new Error(`${op}: empty vocabulary; perhaps the documents only contain stop words`);
    // 2. Document frequencies and corpus counts, then the df limits and maxFeatures.
    const df = new Float64Array(ids.size);
    const tf = new Float64Array(ids.size);
    for (const row of rows) for (const [j, c] of row) {
      df[j]!++;
      tf[j]! += c;
    }
    const maxDoc = dfThreshold(op, "maxDf", this.maxDf, docs.length, "fraction");
    const minDoc = dfThreshold(op, "minDf", this.minDf, docs.length, "count");
    if (maxDoc < minDoc) throw new Error(`${op}: maxDf corresponds to fewer documents (${maxDoc}) than minDf (${minDoc})`);
    let terms = [...ids.keys()].filter((t) => df[ids.get(t)!]! <= maxDoc && df[ids.get(t)!]! >= minDoc).sort(compareCodePoints);
    if (this.maxFeatures !== null && terms.length > this.maxFeatures) {
      const byCount = terms.map((t, order) => ({ t, order, tf: tf[ids.get(t)!]! })).sort((a, b) => b.tf - a.tf || a.order - b.order);
      terms = byCount.slice(0, this.maxFeatures).map((e) => e.t).sort(compareCodePoints);
    }
    if (terms.length === 0) throw new Error(`${op}: after pruning, no terms remain; try a lower minDf or a higher maxDf`);
    // 3. Columns in code-point order of the terms.
    this.vocabulary = new Map(terms.map((t, j) => [t, j]));
    const column = new Int32Array(ids.size).fill(-1);
    terms.forEach((t, j) => (column[ids.get(t)!] = j));
    return SparseMatrix.fromRows(
      rows.map((row) => {
        const out = new Map<number, number>();
        for (const [j, c] of row) if (column[j]! >= 0) out.set(column[j]!, c);
        return out;
      }),
      terms.length,
    );
  }

  /** The count matrix [docs, terms] of `docs` over the learned vocabulary (unknown terms ignored). */
  transform(docs: readonly string[]): SparseMatrix {
    return this.countMatrix(`${this.op}.transform`, docs);
  }

  private countMatrix(op: string, docs: readonly string[]): SparseMatrix {
    checkDocs(op, docs);
    const vocab = this.requireVocabulary(op.slice(op.indexOf(".") + 1));
    const rows = docs.map((doc) => {
      const row = new Map<number, number>();
      for (const term of this.analyze(doc)) {
        const j = vocab.get(term);
        if (j !== undefined) row.set(j, this.binary ? 1 : (row.get(j) ?? 0) + 1);
      }
      return row;
    });
    return SparseMatrix.fromRows(rows, vocab.size);
  }

  protected requireVocabulary(method: string): Map<string, number> {
    if (this.vocabulary === null) throw new Error(`${this.op}.${method}: the vectorizer is not fitted yet; call fit or fitTransform first`);
    return this.vocabulary;
  }
}

function checkDocs(op: string, docs: unknown): void {
  if (!Array.isArray(docs)) throw new Error(`${op}: expected an array of documents (strings), got ${typeof docs === "string" ? "one string (wrap it in an array)" : describe(docs)}`);
}

function fixedVocabulary(op: string, vocabulary: readonly string[] | ReadonlyMap<string, number> | Record<string, number>): Map<string, number> {
  const entries: [string, number][] = Array.isArray(vocabulary)
    ? (vocabulary as string[]).map((t, j) => [t, j])
    : vocabulary instanceof Map
      ? [...vocabulary.entries()]
      : Object.entries(vocabulary as Record<string, number>);
  const map = new Map<string, number>();
  const used = new Set<number>();
  for (const [term, j] of entries) {
    if (map.has(term)) throw new Error(`${op}: vocabulary lists ${JSON.stringify(term)} twice`);
    if (!Number.isInteger(j) || j < 0 || j >= entries.length || used.has(j)) {
      throw new Error(`${op}: vocabulary ids must be 0..${entries.length - 1}, each once; ${JSON.stringify(term)} has ${describe(j)}`);
    }
    map.set(term, j);
    used.add(j);
  }
  if (map.size === 0) throw new Error(`${op}: the vocabulary is empty`);
  return map;
}

/** scikit-learn's `_word_ngrams`: the tokens (when minN = 1) followed by the space-joined n-grams, n = max(2, minN)..maxN. */
export function wordNgrams(tokens: readonly string[], [minN, maxN]: [number, number]): string[] {
  if (maxN === 1) return [...tokens];
  const out = minN === 1 ? [...tokens] : [];
  for (let n = Math.max(minN, 2); n <= Math.min(maxN, tokens.length); n++) {
    for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(" "));
  }
  return out;
}

/** scikit-learn's `_char_ngrams`: whitespace runs become one space, then every substring of n code points. */
export function charNgrams(text: string, [minN, maxN]: [number, number]): string[] {
  const chars = Array.from(text.replace(PY_WHITESPACE_RUN, " "));
  const out: string[] = [];
  for (let n = minN; n <= Math.min(maxN, chars.length); n++) {
    for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(""));
  }
  return out;
}

/** scikit-learn's `_char_wb_ngrams`: n-grams of each word padded with one space each side; a word of ≤ n characters yields itself once and ends the loop over n. */
export function charWbNgrams(text: string, [minN, maxN]: [number, number]): string[] {
  const out: string[] = [];
  for (const word of text.replace(PY_WHITESPACE_RUN, " ").split(PY_WHITESPACE_SPLIT)) {
    if (word.length === 0) continue;
    const w = Array.from(` ${word} `);
    for (let n = minN; n <= maxN; n++) {
      let offset = 0;
      out.push(w.slice(offset, offset + n).join(""));
      while (offset + n < w.length) {
        offset++;
        out.push(w.slice(offset, offset + n).join(""));
      }
      if (offset === 0) break;
    }
  }
  return out;
}
