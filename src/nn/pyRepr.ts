// Python's repr of the values that module reprs show (floats, booleans, tuples, strings), so printed models read as PyTorch's.

/**
 * Python's `repr(float(x))`: the shortest digits that round-trip (as JavaScript's), written with a
 * trailing `.0` for whole numbers and in exponent form below 1e-4 or from 1e16 on (`1e-05`, `1e+16`).
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = x < 0 ? "-" : "";
  const point = exp + 1; // digits before the decimal point
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Python's `True` / `False`. */
export function pyBool(b: boolean): string {
  return b ? "True" : "False";
}

/** Python's repr of a tuple of ints: `(3,)`, `(2, 3)`. */
export function pyTuple(items: readonly number[]): string {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}

/** Python's repr of a plain string: single-quoted. */
export function pyStr(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** PyTorch's `_addindent`: indents every line of a child's repr but the first. */
export function addIndent(text: string, spaces: number): string {
  return text.split("\n").join(`\n${" ".repeat(spaces)}`);
}
