// Vocab, CharTokenizer, WordTokenizer and byte-level BPE: orderings by their stated rules, exact round trips, JSON.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Generator } from "../../src/random/Generator.js";
import { Vocab } from "../../src/text/Vocab.js";
import { CharTokenizer } from "../../src/text/CharTokenizer.js";
import { WordTokenizer } from "../../src/text/WordTokenizer.js";
import { BPETokenizer } from "../../src/text/BPETokenizer.js";
import { BYTE_TO_UNICODE, GPT2_PATTERN, utf8SequenceLength } from "../../src/text/byteLevel.js";
import { saveTokenizer } from "../../src/text/Tokenizer.js";
import { loadTokenizer, tokenizerFromJSON } from "../../src/text/loadTokenizer.js";

const CORPUS = [
  "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n",
  "First Citizen:\nYou are all resolved rather to die than to famish?\n\nAll:\nResolved. resolved.\n",
];

describe("Vocab", () => {
  it("orders specials first, then by decreasing count, ties in code-point order (torchtext's rule)", () => {
    // "\uff01" (U+FF01) precedes "😀" (U+1F600) in code-point order, though not in UTF-16 order.
    const tokens = ["b", "a", "😀", "\uff01", "b", "a", "c", "😀", "\uff01", "b"];
    const vocab = Vocab.fromTokens(tokens, { specials: ["<pad>"], unkToken: "<unk>" });
    expect(vocab.itos).toEqual(["<unk>", "<pad>", "b", "a", "\uff01", "😀", "c"]);
    expect(vocab.index("a")).toBe(3);
    expect(vocab.index("never seen")).toBe(0);
    expect(vocab.lookupTokens([2, 6])).toEqual(["b", "c"]);
    expect(vocab.stoi.get("😀")).toBe(5);
  });

  it("minFreq drops rare tokens and maxSize counts the specials", () => {
    const tokens = "a a a b b c d d d d".split(" ");
    expect(Vocab.fromTokens(tokens, { minFreq: 2 }).itos).toEqual(["d", "a", "b"]);
    expect(Vocab.fromTokens(tokens, { maxSize: 3, unkToken: "<unk>" }).itos).toEqual(["<unk>", "d", "a"]);
    expect(Vocab.fromTokens(tokens, { specials: ["<eos>"], specialFirst: false }).itos).toEqual(["d", "a", "b", "c", "<eos>"]);
  });

  it("without an unknown token, an unknown token is an error; JSON round-trips", () => {
    const vocab = Vocab.fromTokens(["x", "y"]);
    expect(() => vocab.index("z")).toThrow(/Vocab.index: token "z" is not in the vocabulary \(2 tokens\) and the vocabulary has no unkToken/);
    expect(() => vocab.token(2)).toThrow(/Vocab.token: id 2 is out of range for a vocabulary of 2 tokens/);
    const withUnk = Vocab.fromTokens(["x", "y"], { unkToken: "<unk>" });
    expect(Vocab.fromJSON(JSON.parse(JSON.stringify(withUnk)))).toEqual(withUnk);
  });
});

describe("CharTokenizer", () => {
  it("sorts the characters by code point, specials first, and round-trips", () => {
    const tok = CharTokenizer.train("hello world", { specials: ["<eos>"] });
    expect(tok.vocab.itos).toEqual(["<eos>", " ", "d", "e", "h", "l", "o", "r", "w"]);
    expect(tok.encode("hello<eos>")).toEqual([4, 3, 5, 5, 6, 0]);
    expect(tok.decode(tok.encode("world hello<eos>"))).toBe("world hello<eos>");
  });

  it("an astral character is one token; an unknown one is an error or the unknown token", () => {
    const tok = CharTokenizer.train("a😀b");
    expect(tok.vocabSize).toBe(3);
    expect(tok.decode(tok.encode("b😀a"))).toBe("b😀a");
    expect(() => tok.encode("abc")).toThrow(/CharTokenizer.encode: character "c" \(token 2\) is not in the vocabulary of 3 and there is no unkToken/);
    const unk = CharTokenizer.train("ab", { unkToken: "?" });
    expect(unk.decode(unk.encode("abc"))).toBe("ab?");
    expect(() => unk.decode([3])).toThrow(/CharTokenizer.decode: id 3 at position 0 is out of range for a vocabulary of 3 ids/);
  });
});

describe("WordTokenizer", () => {
  it("splits words, single punctuation and whitespace runs, and gives the text back", () => {
    const tok = WordTokenizer.train(CORPUS);
    expect(tok.tokenize("Speak, speak.\n\nAll:")).toEqual(["Speak", ",", " ", "speak", ".", "\n\n", "All", ":"]);
    for (const doc of CORPUS) expect(tok.decode(tok.encode(doc))).toBe(doc);
    // Most frequent first: " " (20 times), then "\n" (6).
    expect(tok.vocab.itos.slice(0, 2)).toEqual([" ", "\n"]);
  });

  it("keeps a word with combining marks whole; unknown words map to the unknown token", () => {
    const tok = WordTokenizer.train("café e\u0301te\u0301", { unkToken: "<unk>" });
    expect(tok.tokenize("e\u0301te\u0301 café")).toEqual(["e\u0301te\u0301", " ", "café"]);
    expect(tok.decode(tok.encode("café thé"))).toBe("café <unk>");
  });

  it("lowercase and keepGaps: false drop case and the text between matches", () => {
    const tok = WordTokenizer.train(CORPUS, { pattern: /\p{L}+/u, lowercase: true, keepGaps: false, minFreq: 2 });
    expect(tok.tokenize("Speak, SPEAK.")).toEqual(["speak", "speak"]);
    expect(tok.vocab.has("speak") && !tok.vocab.has("Speak")).toBe(true);
    expect(tok.decode(tok.encode("all resolved"))).toBe("all resolved");
  });
});

/** Seeded random strings: ASCII, Latin-1, combining marks, CJK, astral (emoji, math), controls, BOM, lone surrogates. */
function randomString(g: Generator, length: number): string {
  const ranges: [number, number][] = [
    [0x20, 0x7e], [0x00, 0x1f], [0xa0, 0xff], [0x300, 0x36f], [0x4e00, 0x9fff], [0x1f300, 0x1faff],
    [0x1d400, 0x1d7ff], [0x10000, 0x10ffff], [0xd800, 0xdfff], [0xfeff, 0xfeff], [0xe000, 0xffff],
  ];
  let s = "";
  for (let i = 0; i < length; i++) {
    const [lo, hi] = ranges[g.randint(0, ranges.length)]!;
    const cp = g.randint(lo, hi + 1);
    // Code points D800–DFFF become lone surrogates (String.fromCharCode, not fromCodePoint's pair).
    s += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  }
  return s;
}

const utf8 = (s: string): string => new TextDecoder("utf-8", { ignoreBOM: true }).decode(new TextEncoder().encode(s));

describe("BPETokenizer", () => {
  it("maps bytes to GPT-2's printable characters", () => {
    expect(BYTE_TO_UNICODE[0x21]).toBe("!");
    expect(BYTE_TO_UNICODE[0x20]).toBe("Ġ");
    expect(BYTE_TO_UNICODE[0x0a]).toBe("Ċ");
    expect(BYTE_TO_UNICODE[0xa0]).toBe("ł");
    expect(BYTE_TO_UNICODE[0xad]).toBe("Ń");
    expect(new Set(BYTE_TO_UNICODE).size).toBe(256);
  });

  it("pre-tokenizes as GPT-2: contractions, a leading space on words, trailing spaces kept apart", () => {
    expect("Hello world's  end 42!?".match(new RegExp(GPT2_PATTERN, "gu"))).toEqual(["Hello", " world", "'s", " ", " end", " 42", "!?"]);
  });

  it("learns Sennrich et al.'s merges on low/lower/newest/widest, ties to the smaller ids", () => {
    // Pair counts: (e,s) = (s,t) = 9 → (e,s) first (101 < 115); then (es,t) = 9; (l,o) = (o,w) = 7 → (l,o);
    // (lo,w) = 7; then (n,e) = (e,w) = (w,est) = 6 → (e,w) (101 < 110 < 119); (n,ew) = (ew,est) = 6 → (n,ew);
    // (new,est) = 6; then (w,i) = (i,d) = (d,est) = 3 → (d,est) (100 < 105 < 119).
    const docs = [...Array(5).fill("low"), ...Array(2).fill("lower"), ...Array(6).fill("newest"), ...Array(3).fill("widest")];
    const bpe = BPETokenizer.train(docs, { numMerges: 8 });
    expect(bpe.merges.map(([a, b]) => `${bpe.idToToken(a)} ${bpe.idToToken(b)}`)).toEqual([
      "e s", "es t", "l o", "lo w", "e w", "n ew", "new est", "d est",
    ]);
    expect(bpe.encode("lowest")).toEqual([259, 257]);
    expect(bpe.tokenToId("newest")).toBe(262);
  });

  it("stops when no pair is left, and vocabSize counts bytes, merges and specials", () => {
    const bpe = BPETokenizer.train("abab", { vocabSize: 300, specials: ["<|endoftext|>"] });
    expect(bpe.merges.length).toBe(2);
    expect(bpe.vocabSize).toBe(259);
    expect(bpe.encode("abab<|endoftext|>ab")).toEqual([257, 258, 256]);
  });

  const shakespeare = CORPUS.join("").repeat(3) + "O Romeo, Romeo! wherefore art thou Romeo? Ça va? 東京 — 😀😀 naïve";
  const trained = BPETokenizer.train([shakespeare, randomString(new Generator(7), 400)], { vocabSize: 420, specials: ["<|endoftext|>"] });

  it("round-trips random Unicode strings (astral planes, combining marks; lone surrogates as UTF-8 encoders do)", () => {
    const g = new Generator(2024);
    for (let t = 0; t < 300; t++) {
      const s = randomString(g, g.randint(0, 40));
      const ids = trained.encode(s);
      expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < trained.vocabSize)).toBe(true);
      expect(trained.decode(ids)).toBe(utf8(s));
      if (!/\p{Cs}/u.test(s)) expect(trained.decode(ids)).toBe(s);
      expect(trained.decodeBytes(ids)).toEqual(new TextEncoder().encode(s));
    }
  });

  it("round-trips random byte strings, valid UTF-8 or not", () => {
    const g = new Generator(11);
    for (let t = 0; t < 300; t++) {
      const bytes = new Uint8Array(g.randint(0, 48));
      // Mostly bytes ≥ 0x80, so that sequences are sometimes well-formed, sometimes truncated or overlong.
      for (let i = 0; i < bytes.length; i++) bytes[i] = g.bernoulli(0.3) ? g.randint(0, 128) : g.randint(128, 256);
      expect(trained.decodeBytes(trained.encodeBytes(bytes))).toEqual(bytes);
    }
    const tricky = Uint8Array.of(0xef, 0xbb, 0xbf, 0xff, 0x41, 0xc3, 0xa9, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xe2, 0x82);
    expect(trained.decodeBytes(trained.encodeBytes(tricky))).toEqual(tricky);
  });

  it("recognizes well-formed UTF-8 exactly as a fatal TextDecoder does", () => {
    const fatal = new TextDecoder("utf-8", { fatal: true });
    const g = new Generator(3);
    for (let t = 0; t < 2000; t++) {
      const bytes = Uint8Array.from({ length: g.randint(1, 6) }, () => (g.bernoulli(0.2) ? g.randint(0, 128) : g.randint(128, 256)));
      let i = 0;
      while (i < bytes.length && utf8SequenceLength(bytes, i) > 0) i += utf8SequenceLength(bytes, i);
      let valid = true;
      try {
        fatal.decode(bytes);
      } catch {
        valid = false;
      }
      expect(i === bytes.length, Array.from(bytes, (b) => b.toString(16)).join(" ")).toBe(valid);
    }
  });

  it("keeps special tokens whole and gives them the ids after the merges", () => {
    const ids = trained.encode("to be<|endoftext|>");
    expect(ids.at(-1)).toBe(256 + trained.merges.length);
    expect(trained.decode(ids)).toBe("to be<|endoftext|>");
    expect(trained.idToToken(ids.at(-1)!)).toBe("<|endoftext|>");
  });

  it("compresses the text it was trained on", () => {
    expect(trained.encode(shakespeare).length).toBeLessThan(new TextEncoder().encode(shakespeare).length / 2);
  });
});

describe("tokenizer JSON", () => {
  it("every tokenizer rebuilds from its JSON and encodes the same", async () => {
    const bpe = BPETokenizer.train(CORPUS, { numMerges: 40, specials: ["<eos>"] });
    const json = bpe.toJSON();
    expect((json.merges as string[]).slice(0, 1)).toEqual([`${bpe.idToToken(bpe.merges[0]![0])} ${bpe.idToToken(bpe.merges[0]![1])}`]);
    const text = CORPUS[1]! + "<eos>";
    const dir = mkdtempSync(join(tmpdir(), "ds-tok-"));
    for (const tok of [CharTokenizer.train(CORPUS, { specials: ["<eos>"] }), WordTokenizer.train(CORPUS, { specials: ["<eos>"] }), bpe]) {
      const again = tokenizerFromJSON(JSON.stringify(tok));
      expect(again.constructor).toBe(tok.constructor);
      expect(again.encode(text)).toEqual(tok.encode(text));
      const path = join(dir, `${tok.toJSON().type}.json`);
      await saveTokenizer(tok, path);
      expect((await loadTokenizer(path)).encode(text)).toEqual(tok.encode(text));
    }
    expect(() => tokenizerFromJSON({ type: "sentencepiece" } as never)).toThrow(/tokenizerFromJSON: unknown tokenizer type "sentencepiece"/);
    expect(() => BPETokenizer.fromJSON({ type: "bpe", version: 1, merges: ["a"] })).toThrow(/BPETokenizer.fromJSON: merge 0 \("a"\) must be two known tokens/);
  });
});
