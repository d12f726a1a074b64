// Tiny Shakespeare, shipped with the package, and nanoGPT's 90/10 train/validation split.
import { describe } from "../tensor/validate.js";
import { readTinyShakespeare } from "../node/index.js";

/**
 * Which part of Tiny Shakespeare {@link tinyShakespeare} returns: nanoGPT's first 90 % ("train"), the last 10
 * % ("val"), or the whole text.
 */
export type ShakespeareSplit = "train" | "val" | "all";

/**
 * Splits `text` as nanoGPT's data/shakespeare_char/prepare.py: the first ⌊n · trainFraction⌋ characters
 * (code points) train, the rest validate.
 */
export function trainValSplit(text: string, trainFraction = 0.9): { train: string; val: string } {
  if (typeof text !== "string") throw new Error(`trainValSplit: text must be a string, got ${describe(text)}`);
  if (typeof trainFraction !== "number" || !(trainFraction >= 0 && trainFraction <= 1)) throw new Error(`trainValSplit: trainFraction must be in [0, 1], got ${describe(trainFraction)}`);
  if (!/[\ud800-\udfff]/.test(text)) {
    const cut = Math.floor(text.length * trainFraction);
    return { train: text.slice(0, cut), val: text.slice(cut) };
  }
  const chars = Array.from(text);
  const cut = Math.floor(chars.length * trainFraction);
  return { train: chars.slice(0, cut).join(""), val: chars.slice(cut).join("") };
}

/**
 * Tiny Shakespeare (Karpathy's char-rnn corpus, the text nanoGPT's `shakespeare_char` uses): 1,115,394
 * characters, 65 distinct. `split: "train"` is the first 90 % (1,003,854 characters), `"val"` the last
 * 10 % (111,540), as nanoGPT; `"all"` (default) the whole text.
 *
 * Source: github.com/karpathy/char-rnn `data/tinyshakespeare/input.txt` (sha256 86c4e6aa…c565ed),
 * public-domain text; shipped gzip-compressed as `data/tinyshakespeare.txt.gz`. Node only (it reads
 * the file); in a browser, fetch that file yourself and pass its text to `trainValSplit`.
 */
export async function tinyShakespeare(options: { split?: ShakespeareSplit } = {}): Promise<string> {
  const split = options.split ?? "all";
  if (split !== "train" && split !== "val" && split !== "all") throw new Error(`tinyShakespeare: split must be "train", "val" or "all", got ${describe(split)}`);
  const text = readTinyShakespeare();
  return split === "all" ? text : trainValSplit(text)[split];
}
