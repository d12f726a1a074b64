// Python `re` patterns (scikit-learn's token_pattern) as JavaScript RegExps with Python's Unicode classes.
import { describe } from "../tensor/validate.js";

/** Python's `\w` for str patterns: letters (L*), numbers (N*) and `_` (no combining marks). */
const WORD = "\\p{L}\\p{N}_";
/** Python's `\s` / `str.isspace()`: also U+001C–U+001F and U+0085, but not U+FEFF (JavaScript's `\s` differs in both). */
const SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

const OUTSIDE: Record<string, string> = {
  w: `[${WORD}]`,
  W: `[^${WORD}]`,
  d: "\\p{Nd}",
  D: "\\P{Nd}",
  s: `[${SPACE}]`,
  S: `[^${SPACE}]`,
  b: `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`,
  B: `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`,
  A: "(?<![\\s\\S])",
  Z: "(?![\\s\\S])",
};
const INSIDE: Record<string, string> = { w: WORD, d: "\\p{Nd}", s: SPACE, b: "\\x08" };

/**
 * Translates a Python regular expression (as scikit-learn's `token_pattern`, e.g. `(?u)\b\w\w+\b`)
 * into an equivalent global Unicode RegExp: `\w \W \d \D \s \S \b \B` get Python's Unicode
 * meanings, `\A \Z`, `(?P<name>…)`, `(?P=name)` and leading inline flags `(?aimsu)` are rewritten,
 * `.` stops only at `\n`, and escaped punctuation becomes a code-point escape. `\W \D \S` inside `[...]`, `(?x)` and `(?L)`
 * are not supported (an error says so). A RegExp is used as it is (with `g` and `u` added).
 */
export function pythonRegex(op: string, pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) {
    let flags = pattern.flags;
    if (!flags.includes("g")) flags += "g";
    if (!flags.includes("u") && !flags.includes("v")) flags += "u";
    try {
      return new RegExp(pattern.source, flags);
    } catch (e) {
      throw new Error(`${op}: tokenPattern ${String(pattern)} is not valid with the u flag (${(e as Error).message})`);
    }
  }
  if (typeof pattern !== "string") throw new Error(`${op}: tokenPattern must be a string (Python syntax) or a RegExp, got ${describe(pattern)}`);
  let src = pattern;
  let flags = "gu";
  let ascii = false;
  for (let m = /^\(\?([aiLmsux]+)\)/.exec(src); m !== null; m = /^\(\?([aiLmsux]+)\)/.exec(src)) {
    for (const f of m[1]!) {
      if (f === "x" || f === "L") throw new Error(`${op}: the inline flag (?${f}) of ${JSON.stringify(pattern)} is not supported`);
      if (f === "a") ascii = true;
      if ((f === "i" || f === "m" || f === "s") && !flags.includes(f)) flags += f;
    }
    src = src.slice(m[0].length);
  }
  let out = "";
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "\\") {
      const e = src[i + 1];
      if (e === undefined) throw new Error(`${op}: tokenPattern ${JSON.stringify(pattern)} ends with a lone backslash`);
      i++;
      const table = inClass ? INSIDE : OUTSIDE;
      if (!ascii && table[e] !== undefined) out += table[e];
      else if (inClass && "WDS".includes(e) && !ascii) throw new Error(`${op}: \\${e} inside [...] in ${JSON.stringify(pattern)} is not supported; write the class out`);
      else if (/[A-Za-z0-9]/.test(e)) out += "\\" + e;
      else out += `\\u{${e.codePointAt(0)!.toString(16)}}`;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      // A `]` or `^]` right after `[` is literal in Python.
      if (src[i + 1] === "^") out += src[++i];
      if (src[i + 1] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (src.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
      continue;
    }
    if (c === ".") {
      // Python's `.` stops only at \n (JavaScript's also at \r, U+2028, U+2029).
      out += flags.includes("s") ? "[\\s\\S]" : "[^\\n]";
      continue;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(src.slice(i));
    if (backref) {
      out += `\\k<${backref[1]}>`;
      i += backref[0].length - 1;
      continue;
    }
    out += c;
  }
  try {
    return new RegExp(out, flags);
  } catch (e) {
    throw new Error(`${op}: tokenPattern ${JSON.stringify(pattern)} is not a valid pattern here (${(e as Error).message})`);
  }
}

/** The number of capturing groups of `re`. */
export function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`, re.flags.replace("g", "")).exec("")!.length - 1;
}
