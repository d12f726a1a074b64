// CharTokenizer: one id per character (Unicode code point), vocabulary in code-point order as nanoGPT's shakespeare_char.
import { describe } from "../tensor/validate.js";
import { checkIds, checkTokenizerJSON, type Tokenizer, type TokenizerJSON } from "./Tokenizer.js";
import { Vocab } from "./Vocab.js";
import { checkSpecials, compareCodePoints, corpusDocuments, splitOnSpecials } from "./strings.js";

/**
 * Options of {@link CharTokenizer.train}: special tokens, the unknown-character token and the minimum
 * character frequency.
 */
export interface CharTokenizerOptions {
  /** Tokens kept whole when they occur in the text (e.g. `"<eos>"`); they take the first ids. */
  specials?: string[];
  /** Characters outside the vocabulary become this token; default none (an unknown character is an error). */
  unkToken?: string | null;
  /** Characters seen fewer times than this are left out (default 1). */
  minFreq?: number;
}

/**
 * A character-level tokenizer. `CharTokenizer.train(text)` collects the distinct characters
 * (code points, so an emoji is one token) and sorts them by code point, as nanoGPT's
 * `sorted(set(text))`; special tokens come first.
 *
 * ```ts
 * const tok = CharTokenizer.train("hello world");
 * tok.encode("hello");   // [3, 2, 4, 4, 5]  (vocabulary " dehlorw")
 * tok.decode(tok.encode("hello")) === "hello";
 * ```
 */
export class CharTokenizer implements Tokenizer {
  readonly vocab: Vocab;

  constructor(vocab: Vocab) {
    if (!(vocab instanceof Vocab)) throw new Error(`CharTokenizer: expected a Vocab, got ${describe(vocab)}`);
    for (const token of vocab.itos) {
      if (!vocab.specials.includes(token) && [...token].length !== 1) {
        throw new Error(`CharTokenizer: vocabulary entry ${JSON.stringify(token)} is not one character (list multi-character tokens as specials)`);
      }
    }
    this.vocab = vocab;
  }

  static train(corpus: string | string[], options: CharTokenizerOptions = {}): CharTokenizer {
    const op = "CharTokenizer.train";
    const docs = corpusDocuments(op, corpus);
    let specials = checkSpecials(op, options.specials);
    const unk = options.unkToken ?? null;
    if (unk !== null && !specials.includes(unk)) specials = [unk, ...specials];
    const minFreq = options.minFreq ?? 1;
    if (typeof minFreq !== "number" || !Number.isInteger(minFreq) || minFreq < 1) throw new Error(`${op}: minFreq must be an integer ≥ 1, got ${describe(minFreq)}`);
    const counts = new Map<string, number>();
    for (const doc of docs) {
      for (const piece of splitOnSpecials(doc, specials)) {
        if (piece.special) continue;
        for (const ch of piece.text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
      }
    }
    const chars = [...counts].filter(([ch, c]) => c >= minFreq && !specials.includes(ch)).map(([ch]) => ch).sort(compareCodePoints);
    return new CharTokenizer(new Vocab([...specials, ...chars], { unkToken: unk, specials }));
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** The tokens of `text`: special tokens whole, then one per character. */
  tokenize(text: string): string[] {
    if (typeof text !== "string") throw new Error(`CharTokenizer.encode: text must be a string, got ${describe(text)}`);
    const out: string[] = [];
    for (const piece of splitOnSpecials(text, this.vocab.specials)) {
      if (piece.special) out.push(piece.text);
      else for (const ch of piece.text) out.push(ch);
    }
    return out;
  }

  encode(text: string): number[] {
    const tokens = this.tokenize(text);
    const ids = new Array<number>(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const id = this.vocab.stoi.get(tokens[i]!) ?? this.vocab.unkIndex;
      if (id === null) {
        throw new Error(`CharTokenizer.encode: character ${describe(tokens[i])} (token ${i}) is not in the vocabulary of ${this.vocabSize} and there is no unkToken`);
      }
      ids[i] = id;
    }
    return ids;
  }

  decode(ids: readonly number[]): string {
    checkIds("CharTokenizer.decode", ids, this.vocabSize);
    let out = "";
    for (let i = 0; i < ids.length; i++) out += this.vocab.itos[ids[i]!]!;
    return out;
  }

  toJSON(): TokenizerJSON {
    return { type: "char", version: 1, vocab: this.vocab.toJSON() };
  }

  static fromJSON(json: TokenizerJSON | string): CharTokenizer {
    const obj = checkTokenizerJSON("CharTokenizer.fromJSON", json, "char");
    return new CharTokenizer(Vocab.fromJSON(obj.vocab as never));
  }
}
