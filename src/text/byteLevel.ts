// Byte-level text pieces for BPE: GPT-2's byte ↔ unicode table, its pre-tokenizing pattern, and UTF-8 scanning.

/**
 * GPT-2's pre-tokenizer (openai/gpt-2 `encoder.py`): English contractions, letter runs, digit runs and
 * other-symbol runs each with an optional leading space, and whitespace runs.
 */
export const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/u;

/**
 * GPT-2's `bytes_to_unicode`: each byte as a printable character — the printable Latin-1 bytes
 * (`!`–`~`, `¡`–`¬`, `®`–`ÿ`) as themselves, the other 68 as U+0100 onwards in byte order — so a
 * token's bytes can be written as a string without spaces or control characters (space is `Ġ`).
 */
export const BYTE_TO_UNICODE: readonly string[] = (() => {
  const table = new Array<string>(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : next++);
  }
  return table;
})();

export const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_UNICODE.map((ch, b) => [ch, b]));

/** Bytes → GPT-2's printable form (`" the"` → `"Ġthe"`). */
export function bytesToUnicode(bytes: ArrayLike<number>): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_UNICODE[bytes[i]!]!;
  return s;
}

/** GPT-2's printable form → bytes; undefined when a character is not in the table. */
export function unicodeToBytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const b = UNICODE_TO_BYTE.get(text[i]!);
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}

/**
 * The length of the well-formed UTF-8 sequence starting at `bytes[i]` (1–4), or 0 when the bytes there
 * are not one (a stray continuation byte, an overlong form, a surrogate, a value above U+10FFFF, a
 * truncated sequence), following the table of well-formed byte sequences in the Unicode standard (§3.9).
 */
export function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean => j < bytes.length && bytes[j]! >= lo && bytes[j]! <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is text like any other (the default decoder would drop it).
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** UTF-8 bytes of `text` (lone surrogates become U+FFFD, as every UTF-8 encoder does). */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Text of UTF-8 bytes (ill-formed sequences become U+FFFD). */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * Splits `text` with the pre-tokenizing `pattern` into pieces that cover it (text between matches is a
 * piece too, so nothing is ever lost), each returned as UTF-8 bytes.
 */
export function preTokenizeText(text: string, pattern: RegExp): Uint8Array[] {
  const out: Uint8Array[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m[0].length === 0) continue;
    if (m.index > last) out.push(utf8Encode(text.slice(last, m.index)));
    out.push(utf8Encode(m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(utf8Encode(text.slice(last)));
  return out;
}

/**
 * Splits arbitrary bytes into pieces: each maximal run of well-formed UTF-8 is decoded and split by
 * `pattern` (the pieces are its exact bytes again), and every byte that is not part of a well-formed
 * sequence is a piece of its own. The pieces concatenate to `bytes`.
 */
export function preTokenizeBytes(bytes: Uint8Array, pattern: RegExp): Uint8Array[] {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < bytes.length) {
    let j = i;
    while (j < bytes.length) {
      const len = utf8SequenceLength(bytes, j);
      if (len === 0) break;
      j += len;
    }
    if (j > i) {
      out.push(...preTokenizeText(utf8Decode(bytes.subarray(i, j)), pattern));
      i = j;
    } else {
      out.push(bytes.slice(i, i + 1));
      i++;
    }
  }
  return out;
}
