// Rebuilding any tokenizer from its JSON form, and loading one from a JSON file (Node).
import { describe } from "../tensor/validate.js";
import { BPETokenizer } from "./BPETokenizer.js";
import { CharTokenizer } from "./CharTokenizer.js";
import type { Tokenizer, TokenizerJSON } from "./Tokenizer.js";
import { WordTokenizer } from "./WordTokenizer.js";

/** The tokenizer a `toJSON()` object (or its JSON text) describes, whatever its type. */
export function tokenizerFromJSON(json: TokenizerJSON | string): Tokenizer {
  const obj = (typeof json === "string" ? JSON.parse(json) : json) as TokenizerJSON;
  switch (obj?.type) {
    case "char":
      return CharTokenizer.fromJSON(obj);
    case "word":
      return WordTokenizer.fromJSON(obj);
    case "bpe":
      return BPETokenizer.fromJSON(obj);
    default:
      throw new Error(`tokenizerFromJSON: unknown tokenizer type ${describe(obj?.type)} (expected "char", "word" or "bpe")`);
  }
}

/** Reads a tokenizer saved by `saveTokenizer` (Node). */
export async function loadTokenizer(path: string): Promise<Tokenizer> {
  const fs = await import("../node/index.js");
  return tokenizerFromJSON(fs.readTextFile(path));
}
