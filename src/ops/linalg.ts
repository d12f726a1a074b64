// Matrix products with batch broadcasting, and the torch.linalg functions.
import { describe } from "../tensor/validate.js";
import { Tensor } from "../tensor/Tensor.js";
import { releaseStorage } from "../tensor/recycle.js";
import { isFloating, promoteTypes } from "../tensor/dtype.js";
import { broadcastShapes, fmtShape } from "../tensor/shape.js";
import { apply, applyMulti } from "../autograd/engine.js";
import { cast } from "./elementwise.js";
import { expand, reshape, unsqueeze, squeeze } from "./movement.js";
import { mul } from "./elementwise.js";

/**
 * matmul with PyTorch semantics: 1-D operands are promoted (and the added dim removed), leading
 * dims broadcast. (…, n, k) @ (…, k, m) → (…, n, m).
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new Error(`matmul: both arguments must be Tensors, got ${describe(a)} and ${describe(b)}`);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(`matmul: both arguments need at least 1 dimension, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  if (a.ndim === 2 && b.ndim === 2 && a.dtype === b.dtype && isFloating(a.dtype)) return matmul2d(a, b);
  const dt = promoteTypes(a.dtype, b.dtype);
  // Every intermediate made here is recorded, so that its claim on memory can be dropped at the end.
  const made: Tensor[] = [];
  const step = (t: Tensor): Tensor => (made.push(t), t);
  let x = step(cast(a, dt)), y = step(cast(b, dt));
  if (!isFloating(dt) && dt !== "int32") throw new Error(`matmul: unsupported dtype ${dt}`);
  const aVec = x.ndim === 1, bVec = y.ndim === 1;
  if (aVec) x = step(unsqueeze(x, 0));
  if (bVec) y = step(unsqueeze(y, 1));
  const n = x.shape[x.ndim - 2]!, k = x.shape[x.ndim - 1]!, k2 = y.shape[y.ndim - 2]!, m = y.shape[y.ndim - 1]!;
  if (k !== k2) {
    throw new Error(`matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are not aligned (${k} != ${k2})`);
  }
  const batch = broadcastShapes("matmul", x.shape.slice(0, -2), y.shape.slice(0, -2));
  const B = batch.reduce((p, s) => p * s, 1);
  // (B, n, k) · (B, k, m) → (B, n, m)
  const x3 = step(reshape(step(expand(x, [...batch, n, k])), [B, n, k]));
  const y3 = step(reshape(step(expand(y, [...batch, k, m])), [B, k, m]));
  let out = step(reshape(step(apply("matmul", [x3, y3], {})), [...batch, n, m]));
  if (aVec) out = step(squeeze(out, -2));
  if (bVec) out = step(squeeze(out, -1));
  dropIntermediates(made, [a, b, out]);
  return out;
}

/**
 * The common case of matmul, (n, k) @ (k, m) of one floating dtype, without the general path's casts,
 * broadcasting and bookkeeping (a small network's backward runs several per step): the same primitive
 * on the same (1, n, k) and (1, k, m) views.
 */
function matmul2d(a: Tensor, b: Tensor): Tensor {
  const [n, k] = a.shape as [number, number], [k2, m] = b.shape as [number, number];
  if (k !== k2) throw new Error(`matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are not aligned (${k} != ${k2})`);
  const x3 = reshape(a, [1, n, k]), y3 = reshape(b, [1, k, m]); // (1, n, k), (1, k, m)
  const out3 = apply("matmul", [x3, y3], {}); // (1, n, m)
  const out = reshape(out3, [n, m]);
  // the views made here give up their claims on memory (see dropIntermediates)
  releaseStorage(x3.storage);
  releaseStorage(y3.storage);
  releaseStorage(out3.storage);
  return out;
}

/**
 * Drops the memory claims of a composite's internal views (see Storage.refs), so that disposing its
 * result frees the memory. Tape nodes hold their own claims on what they saved.
 */
function dropIntermediates(made: Tensor[], keep: Tensor[]): void {
  const seen = new Set<Tensor>(keep);
  for (const t of made) {
    if (seen.has(t)) continue;
    seen.add(t);
    releaseStorage(t.storage);
  }
}

/** Matrix product of two 2-D tensors, (n, k) @ (k, m) → (n, m) (`torch.mm`). */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) throw new Error(`mm: expects 2-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(a, b);
}

/**
 * Batched matrix product of two 3-D tensors with the same batch size, (b, n, k) @ (b, k, m) → (b, n, m)
 * (`torch.bmm`).
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0]) {
    throw new Error(`bmm: expects 3-D tensors with the same batch size, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  return matmul(a, b);
}

/** Inner product of two 1-D tensors of the same length, as a 0-d tensor (`torch.dot`). */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1 || a.size !== b.size) {
    throw new Error(`dot: expects two 1-D tensors of the same length, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  return matmul(a, b);
}

/** Outer product of two 1-D tensors: (n) and (m) give the (n, m) matrix `a[i] · b[j]` (`torch.outer`). */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw new Error(`outer: expects 1-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return mul(unsqueeze(a, 1), unsqueeze(b, 0));
}

function squareMatrix(op: string, a: Tensor): Tensor {
  if (a.ndim < 2 || a.shape[a.ndim - 1] !== a.shape[a.ndim - 2]) {
    throw new Error(`${op}: expects a batch of square matrices (…, n, n), got shape ${fmtShape(a.shape)}`);
  }
  return isFloating(a.dtype) ? a : cast(a, "float32");
}

/**
 * Solves A X = B for X (A: (…, n, n); B: (…, n, k) or (…, n) for a vector right-hand side).
 * ```ts
 * ds.linalg.solve(ds.tensor([[2, 0], [0, 4]]), ds.tensor([2, 8])); // tensor([1., 2.])
 * ```
 */
export function solve(A: Tensor, B: Tensor): Tensor {
  const a = squareMatrix("linalg.solve", A);
  const n = a.shape[a.ndim - 1]!;
  const dt = promoteTypes(a.dtype, B.dtype);
  // B is a vector right-hand side iff 1-D, or its shape is A's without the last dim (PyTorch's rule).
  const vec = B.ndim === 1 || (B.ndim === a.ndim - 1 && B.shape.every((s, i) => s === a.shape[i]));
  let b = cast(vec ? unsqueeze(B, -1) : B, isFloating(dt) ? dt : "float32");
  if (b.shape[b.ndim - 2] !== n) {
    throw new Error(`linalg.solve: A ${fmtShape(A.shape)} and B ${fmtShape(B.shape)} are incompatible (${n} rows vs ${b.shape[b.ndim - 2]})`);
  }
  const batch = broadcastShapes("linalg.solve", a.shape.slice(0, -2), b.shape.slice(0, -2));
  const k = b.shape[b.ndim - 1]!;
  const aa = expand(cast(a, b.dtype), [...batch, n, n]);
  b = expand(b, [...batch, n, k]);
  const x = apply("solve", [aa, b], {});
  return vec ? squeeze(x, -1) : x;
}

/**
 * Inverse of a square matrix or a batch of them, (…, n, n) (`torch.linalg.inv`); integer inputs give float32.
 */
export const inv = (A: Tensor): Tensor => apply("inv", [squareMatrix("linalg.inv", A)], {});
/** Determinant of a square matrix or a batch of them, (…, n, n) → (…) (`torch.linalg.det`). */
export const det = (A: Tensor): Tensor => apply("det", [squareMatrix("linalg.det", A)], {});

/** sign and log|det| (the second is differentiable); sign is 0 and logabsdet −∞ for singular input. */
export function slogdet(A: Tensor): { sign: Tensor; logabsdet: Tensor } {
  const [sign, logabsdet] = applyMulti("slogdet", [squareMatrix("linalg.slogdet", A)], {});
  return { sign: sign!, logabsdet: logabsdet! };
}

/**
 * Lower (default) or upper Cholesky factor of a symmetric positive-definite matrix.
 * ```ts
 * ds.linalg.cholesky(ds.tensor([[4, 2], [2, 3]])); // tensor([[2.0000, 0.0000], [1.0000, 1.4142]])
 * ```
 */
export function cholesky(A: Tensor, options: { upper?: boolean } = {}): Tensor {
  return apply("cholesky", [squareMatrix("linalg.cholesky", A)], { upper: options.upper ?? false });
}

/**
 * Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix, from its lower triangle.
 * ```ts
 * const { eigenvalues, eigenvectors } = ds.linalg.eigh(ds.tensor([[2, 1], [1, 2]])); // [1, 3]
 * ```
 */
export function eigh(A: Tensor): { eigenvalues: Tensor; eigenvectors: Tensor } {
  const [eigenvalues, eigenvectors] = applyMulti("eigh", [squareMatrix("linalg.eigh", A)], {});
  return { eigenvalues: eigenvalues!, eigenvectors: eigenvectors! };
}

/** Eigenvalues (ascending) of a symmetric matrix, from its lower triangle (`torch.linalg.eigvalsh`). */
export const eigvalsh = (A: Tensor): Tensor => eigh(A).eigenvalues;

/**
 * QR decomposition A = QR of a (…, m, n) matrix, Q with orthonormal columns and R upper triangular
 * (`torch.linalg.qr`); `mode` "reduced" (default) gives Q (…, m, k) with k = min(m, n), "complete" gives Q
 * (…, m, m).
 */
export function qr(A: Tensor, options: { mode?: "reduced" | "complete" } = {}): { Q: Tensor; R: Tensor } {
  if (A.ndim < 2) throw new Error(`linalg.qr: expects a matrix (…, m, n), got shape ${fmtShape(A.shape)}`);
  const a = isFloating(A.dtype) ? A : cast(A, "float32");
  const [Q, R] = applyMulti("qr", [a], { mode: options.mode ?? "reduced" });
  return { Q: Q!, R: R! };
}

/**
 * Singular value decomposition A = U diag(S) Vh (`torch.linalg.svd`); S holds min(m, n) values in descending
 * order, and U, Vh are square unless `fullMatrices` is false.
 */
export function svd(A: Tensor, options: { fullMatrices?: boolean } = {}): { U: Tensor; S: Tensor; Vh: Tensor } {
  if (A.ndim < 2) throw new Error(`linalg.svd: expects a matrix (…, m, n), got shape ${fmtShape(A.shape)}`);
  const a = isFloating(A.dtype) ? A : cast(A, "float32");
  const [U, S, Vh] = applyMulti("svd", [a], { fullMatrices: options.fullMatrices ?? true });
  return { U: U!, S: S!, Vh: Vh! };
}

/** Singular values of a (…, m, n) matrix, min(m, n) of them in descending order (`torch.linalg.svdvals`). */
export const svdvals = (A: Tensor): Tensor => svd(A, { fullMatrices: false }).S;
