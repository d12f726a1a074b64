// Small dense-vector helpers on Float64Array used by every optimizer in this folder.

/** xᵀy. */
export function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

/** Euclidean norm ‖x‖₂. */
export function norm2(x: Float64Array): number {
  return Math.sqrt(dot(x, x));
}

/** Max norm ‖x‖∞ (what scipy's `gtol` is compared with). */
export function normInf(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

/** The norm used by a gradient-tolerance test: `"inf"` (scipy's default) or `2`. */
export type GradNorm = "inf" | 2;

export function vecNorm(x: Float64Array, ord: GradNorm): number {
  return ord === "inf" ? normInf(x) : norm2(x);
}

/** x + a·d as a new vector. */
export function addScaled(x: Float64Array, a: number, d: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + a * d[i]!;
  return out;
}

/** x − y as a new vector. */
export function sub(x: Float64Array, y: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! - y[i]!;
  return out;
}

/** a·x as a new vector. */
export function scale(x: Float64Array, a: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = a * x[i]!;
  return out;
}

/** A·x for a row-major n×n matrix A. */
export function matVec(a: Float64Array, x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j]! * x[j]!;
    out[i] = s;
  }
  return out;
}

/** The n×n identity, row-major. */
export function eye(n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/** Throws unless every entry is finite, naming the operation. */
export function assertFinite(op: string, what: string, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new Error(`${op}: ${what}[${i}] is ${x[i]}; expected a finite number`);
  }
}
