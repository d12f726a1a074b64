// String helpers shared by the tokenizers and vectorizers: Python's string order, special-token splitting.
import { describe } from "../tensor/validate.js";

/**
 * Orders strings by Unicode code point, as Python's `sorted` does (JavaScript's `<` compares UTF-16
 * code units, which puts astral characters before U+E000–U+FFFF). Returns < 0, 0 or > 0.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800–DFFF, astral code points) must sort after E000–FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** The code points of `text` as strings (astral characters stay whole; lone surrogates are their own). */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

/** Checks a list of special tokens: non-empty, distinct strings. */
export function checkSpecials(op: string, specials: unknown): string[] {
  if (specials === undefined) return [];
  if (!Array.isArray(specials)) throw new Error(`${op}: specials must be an array of strings, got ${describe(specials)}`);
  const seen = new Set<string>();
  for (const s of specials) {
    if (typeof s !== "string" || s.length === 0) throw new Error(`${op}: every special token must be a non-empty string, got ${describe(s)}`);
    if (seen.has(s)) throw new Error(`${op}: special token ${JSON.stringify(s)} is listed twice`);
    seen.add(s);
  }
  return [...specials] as string[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/**
 * Splits `text` around occurrences of the special tokens (longest first at each position), e.g.
 * `"a<eos>b"` → `[{ text: "a", special: false }, { text: "<eos>", special: true }, { text: "b", special: false }]`.
 * Empty ordinary pieces are left out.
 */
export function splitOnSpecials(text: string, specials: readonly string[]): { text: string; special: boolean }[] {
  if (specials.length === 0) return text.length > 0 ? [{ text, special: false }] : [];
  const sorted = [...specials].sort((a, b) => b.length - a.length || compareCodePoints(a, b));
  const re = new RegExp(sorted.map(escapeRegExp).join("|"), "g");
  const out: { text: string; special: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), special: false });
    out.push({ text: m[0], special: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), special: false });
  return out;
}

/** A sequence of tokens from a corpus given as one string or an array of strings. */
export function corpusDocuments(op: string, corpus: unknown): string[] {
  if (typeof corpus === "string") return [corpus];
  if (Array.isArray(corpus)) {
    corpus.forEach((d, i) => {
      if (typeof d !== "string") throw new Error(`${op}: corpus entry ${i} must be a string, got ${describe(d)}`);
    });
    return corpus as string[];
  }
  throw new Error(`${op}: corpus must be a string or an array of strings, got ${describe(corpus)}`);
}
