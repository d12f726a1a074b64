// What every tokenizer offers (encode/decode/JSON), and saving/loading tokenizers as JSON files.
import { describe } from "../tensor/validate.js";

/** A tokenizer: text ↔ integer ids. `decode(encode(text)) === text` for text its vocabulary covers. */
export interface Tokenizer {
  /** Number of ids (the largest id is `vocabSize - 1`). */
  readonly vocabSize: number;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** The JSON form; `tokenizerFromJSON` rebuilds the tokenizer from it. */
  toJSON(): TokenizerJSON;
}

/** The JSON form of a tokenizer: a `type` tag and the tokenizer's own fields. */
export interface TokenizerJSON {
  type: "char" | "word" | "bpe";
  version: 1;
  [field: string]: unknown;
}

/** Checks the common header of a tokenizer's JSON form. */
export function checkTokenizerJSON(op: string, json: unknown, type: TokenizerJSON["type"]): Record<string, unknown> {
  const parsed = typeof json === "string" ? (JSON.parse(json) as unknown) : json;
  if (parsed === null || typeof parsed !== "object") throw new Error(`${op}: expected a tokenizer's JSON object, got ${describe(parsed)}`);
  const obj = parsed as Record<string, unknown>;
  if (obj.type !== type) throw new Error(`${op}: expected JSON of type "${type}", got type ${describe(obj.type)}`);
  if (obj.version !== 1) throw new Error(`${op}: unsupported version ${describe(obj.version)} (this reader knows version 1)`);
  return obj;
}

/** Checks token ids before decoding: integers in [0, vocabSize). */
export function checkIds(op: string, ids: unknown, vocabSize: number): readonly number[] {
  if (!Array.isArray(ids) && !ArrayBuffer.isView(ids)) throw new Error(`${op}: ids must be an array of integers, got ${describe(ids)}`);
  const arr = ids as ArrayLike<unknown>;
  for (let i = 0; i < arr.length; i++) {
    const id = arr[i];
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new Error(`${op}: id ${describe(id)} at position ${i} is out of range for a vocabulary of ${vocabSize} ids`);
    }
  }
  return arr as readonly number[];
}

/** Writes `tokenizer.toJSON()` to `path` (Node; atomically). */
export async function saveTokenizer(tokenizer: Tokenizer, path: string): Promise<void> {
  const fs = await import("../node/index.js");
  fs.atomicWriteFile(path, JSON.stringify(tokenizer.toJSON()));
}
