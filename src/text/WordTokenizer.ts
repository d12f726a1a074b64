// WordTokenizer: tokens are the matches of a regular expression (words, punctuation, whitespace runs), ids from a Vocab.
import { describe } from "../tensor/validate.js";
import { checkIds, checkTokenizerJSON, type Tokenizer, type TokenizerJSON } from "./Tokenizer.js";
import { Vocab, type VocabOptions } from "./Vocab.js";
import { checkSpecials, corpusDocuments, splitOnSpecials } from "./strings.js";

/**
 * The default pattern: runs of word characters (letters, combining marks, digits, `_`), single other
 * characters (punctuation, symbols), and runs of whitespace — it covers every character, so the
 * tokens concatenate back to the text.
 */
export const DEFAULT_WORD_PATTERN = /[\p{L}\p{M}\p{N}_]+|[^\p{L}\p{M}\p{N}_\s]|\s+/u;

/**
 * Options of {@link WordTokenizer}: the token pattern, lower-casing and whether the text between matches
 * becomes tokens.
 */
export interface WordTokenizerOptions {
  /** Tokens are the matches of this expression (flags kept, `g` added; a string is JavaScript syntax, compiled with `u`). Default `DEFAULT_WORD_PATTERN`. */
  pattern?: RegExp | string;
  /** Lower-case the text first (default false; true loses the exact round trip). */
  lowercase?: boolean;
  /**
   * Whether the text between two matches (which the default pattern never leaves) becomes tokens too
   * (default true, so decoding gives the text back). With false it is dropped and `decode` joins
   * tokens with one space.
   */
  keepGaps?: boolean;
}

/**
 * A regex word tokenizer with a trained vocabulary (most frequent words first, see `Vocab`).
 *
 * ```ts
 * const tok = WordTokenizer.train(corpus, { unkToken: "<unk>", maxSize: 10000 });
 * tok.tokenize("Hello, world!");   // ["Hello", ",", " ", "world", "!"]
 * tok.decode(tok.encode(text)) === text;   // when every token of text is in the vocabulary
 * ```
 */
export class WordTokenizer implements Tokenizer {
  readonly vocab: Vocab;
  readonly pattern: RegExp;
  readonly lowercase: boolean;
  readonly keepGaps: boolean;

  constructor(vocab: Vocab, options: WordTokenizerOptions = {}) {
    if (!(vocab instanceof Vocab)) throw new Error(`WordTokenizer: expected a Vocab, got ${describe(vocab)}`);
    this.vocab = vocab;
    this.pattern = globalPattern("WordTokenizer", options.pattern ?? DEFAULT_WORD_PATTERN);
    this.lowercase = options.lowercase ?? false;
    this.keepGaps = options.keepGaps ?? true;
  }

  /** Counts the tokens of `corpus` and keeps them in a vocabulary built by `Vocab.fromCounts`. */
  static train(corpus: string | string[], options: WordTokenizerOptions & VocabOptions = {}): WordTokenizer {
    const op = "WordTokenizer.train";
    const docs = corpusDocuments(op, corpus);
    const specials = checkSpecials(op, options.specials);
    const probe = new WordTokenizer(new Vocab(specials, { specials }), options);
    const counts = new Map<string, number>();
    for (const doc of docs) for (const t of probe.tokenize(doc)) if (!specials.includes(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
    return new WordTokenizer(Vocab.fromCounts(counts, options), options);
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** The tokens of `text` as strings (special tokens whole). */
  tokenize(text: string): string[] {
    if (typeof text !== "string") throw new Error(`WordTokenizer.tokenize: text must be a string, got ${describe(text)}`);
    const out: string[] = [];
    for (const piece of splitOnSpecials(text, this.vocab.specials)) {
      if (piece.special) {
        out.push(piece.text);
        continue;
      }
      const s = this.lowercase ? piece.text.toLowerCase() : piece.text;
      let last = 0;
      for (const m of s.matchAll(this.pattern)) {
        if (m[0].length === 0) continue;
        if (this.keepGaps && m.index > last) out.push(s.slice(last, m.index));
        out.push(m[0]);
        last = m.index + m[0].length;
      }
      if (this.keepGaps && last < s.length) out.push(s.slice(last));
    }
    return out;
  }

  encode(text: string): number[] {
    const tokens = this.tokenize(text);
    return tokens.map((t, i) => {
      const id = this.vocab.stoi.get(t) ?? this.vocab.unkIndex;
      if (id === null) throw new Error(`WordTokenizer.encode: token ${describe(t)} (token ${i}) is not in the vocabulary of ${this.vocabSize} and there is no unkToken`);
      return id;
    });
  }

  decode(ids: readonly number[]): string {
    checkIds("WordTokenizer.decode", ids, this.vocabSize);
    return ids.map((id) => this.vocab.itos[id]!).join(this.keepGaps ? "" : " ");
  }

  toJSON(): TokenizerJSON {
    return {
      type: "word",
      version: 1,
      pattern: this.pattern.source,
      flags: this.pattern.flags.replace("g", ""),
      lowercase: this.lowercase,
      keepGaps: this.keepGaps,
      vocab: this.vocab.toJSON(),
    };
  }

  static fromJSON(json: TokenizerJSON | string): WordTokenizer {
    const obj = checkTokenizerJSON("WordTokenizer.fromJSON", json, "word");
    const pattern = new RegExp(String(obj.pattern), String(obj.flags ?? "u"));
    return new WordTokenizer(Vocab.fromJSON(obj.vocab as never), { pattern, lowercase: Boolean(obj.lowercase), keepGaps: obj.keepGaps !== false });
  }
}

/** `pattern` as a global RegExp (a string is compiled with the `u` flag). */
export function globalPattern(op: string, pattern: RegExp | string): RegExp {
  if (typeof pattern === "string") return new RegExp(pattern, "gu");
  if (!(pattern instanceof RegExp)) throw new Error(`${op}: pattern must be a RegExp or a string, got ${describe(pattern)}`);
  return new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g");
}
