// Constraints: the sets that parameters and values of distributions live in (torch.distributions.constraints).
import { Tensor } from "../tensor/Tensor.js";
import { noGrad } from "../autograd/engine.js";
import { fmtShape } from "../tensor/shape.js";
import * as E from "../ops/elementwise.js";
import { cholesky } from "../ops/linalg.js";
import { transpose } from "../ops/movement.js";

/**
 * A set of values. `check(value)` is a bool tensor over value's shape without the `eventDim`
 * rightmost dims (an event is valid only as a whole: a simplex row, a matrix).
 */
export abstract class Constraint {
  /** Values are integers (counts, classes). */
  readonly isDiscrete: boolean = false;
  /** How many rightmost dims make up one event. */
  readonly eventDim: number = 0;
  abstract check(value: Tensor): Tensor;
  /** A short description for error messages, e.g. `positive (> 0)`. */
  abstract toString(): string;
}

/** True where all of the `n` rightmost dims are true. */
function allRightmost(ok: Tensor, n: number): Tensor {
  if (n === 0) return ok;
  const dims = Array.from({ length: n }, (_, i) => ok.ndim - n + i);
  return E.eq(E.logicalNot(ok).int().sum(dims), 0);
}

/** A constraint given by an elementwise predicate. */
class Elementwise extends Constraint {
  constructor(
    private readonly description: string,
    private readonly predicate: (x: Tensor) => Tensor,
    override readonly isDiscrete = false,
  ) {
    super();
  }
  check(value: Tensor): Tensor {
    return noGrad(() => this.predicate(value));
  }
  toString(): string {
    return this.description;
  }
}

const isInteger = (x: Tensor): Tensor => E.eq(E.floor(x), x);

/** Any real number (NaN is not). */
export const real: Constraint = new Elementwise("real", (x) => E.eq(x, x));
/** Positive reals (> 0), as `torch.distributions.constraints.positive`. */
export const positive: Constraint = new Elementwise("positive (> 0)", (x) => E.gt(x, 0));
/** Nonnegative reals (≥ 0), as `constraints.nonnegative`. */
export const nonnegative: Constraint = new Elementwise("nonnegative (>= 0)", (x) => E.ge(x, 0));
/** The closed unit interval [0, 1], as `constraints.unit_interval`. */
export const unitInterval: Constraint = new Elementwise("unitInterval ([0, 1])", (x) => E.logicalAnd(E.ge(x, 0), E.le(x, 1)));
/** {0, 1}. */
export const boolean: Constraint = new Elementwise("boolean ({0, 1})", (x) => E.logicalOr(E.eq(x, 0), E.eq(x, 1)), true);
/** Nonnegative integers {0, 1, 2, ...}, as `constraints.nonnegative_integer`. */
export const nonnegativeInteger: Constraint = new Elementwise(
  "nonnegativeInteger ({0, 1, 2, ...})",
  (x) => E.logicalAnd(E.ge(x, 0), isInteger(x)),
  true,
);

/** Integers in [lower, upper]. */
export function integerInterval(lower: number, upper: number): Constraint {
  return new Elementwise(
    `integerInterval ({${lower}, ..., ${upper}})`,
    (x) => E.logicalAnd(isInteger(x), E.logicalAnd(E.ge(x, lower), E.le(x, upper))),
    true,
  );
}
/** Reals strictly greater than `lower` (kept as `lowerBound`), as `constraints.greater_than`. */
export function greaterThan(lower: number): Constraint & { readonly lowerBound: number } {
  return Object.assign(new Elementwise(`greaterThan (> ${lower})`, (x) => E.gt(x, lower)), { lowerBound: lower });
}
/** The closed interval [lower, upper]; the bounds may be tensors (broadcast with the value). */
export function interval(lower: Tensor | number, upper: Tensor | number): Constraint & { readonly lowerBound: Tensor | number; readonly upperBound: Tensor | number } {
  const show = (b: Tensor | number): string => (typeof b === "number" ? String(b) : b.size === 1 ? String(b.item()) : `a tensor ${fmtShape(b.shape)}`);
  return Object.assign(new Elementwise(`interval ([${show(lower)}, ${show(upper)}])`, (x) => E.logicalAnd(E.ge(x, lower), E.le(x, upper))), { lowerBound: lower, upperBound: upper });
}

/** `base` applied to events of `reinterpretedBatchNdims` more rightmost dims (valid when all are). */
export class IndependentConstraint extends Constraint {
  override readonly isDiscrete: boolean;
  override readonly eventDim: number;
  constructor(
    readonly base: Constraint,
    readonly reinterpretedBatchNdims: number,
  ) {
    super();
    this.isDiscrete = base.isDiscrete;
    this.eventDim = base.eventDim + reinterpretedBatchNdims;
  }
  check(value: Tensor): Tensor {
    return allRightmost(this.base.check(value), this.reinterpretedBatchNdims);
  }
  toString(): string {
    return `independent(${this.base}, ${this.reinterpretedBatchNdims})`;
  }
}
/**
 * `base` reinterpreted over `reinterpretedBatchNdims` more rightmost dims, as `constraints.independent` (see
 * {@link IndependentConstraint}).
 */
export const independent = (base: Constraint, reinterpretedBatchNdims: number): Constraint => new IndependentConstraint(base, reinterpretedBatchNdims);

/** Vectors of reals. */
export const realVector: Constraint = independent(real, 1);

class EventConstraint extends Constraint {
  constructor(
    private readonly description: string,
    override readonly eventDim: number,
    private readonly predicate: (x: Tensor) => Tensor,
    override readonly isDiscrete = false,
  ) {
    super();
  }
  check(value: Tensor): Tensor {
    return noGrad(() => this.predicate(value));
  }
  toString(): string {
    return this.description;
  }
}

/** Nonnegative vectors summing to 1 (within 1e-6, as PyTorch). */
export const simplex: Constraint = new EventConstraint("simplex (nonnegative, summing to 1)", 1, (x) =>
  E.logicalAnd(allRightmost(E.ge(x, 0), 1), E.lt(E.abs(E.sub(x.sum(-1), 1)), 1e-6)),
);

/** One-hot vectors: entries in {0, 1} summing to 1. */
export const oneHot: Constraint = new EventConstraint(
  "oneHot (one entry 1, the others 0)",
  1,
  (x) => E.logicalAnd(allRightmost(E.logicalOr(E.eq(x, 0), E.eq(x, 1)), 1), E.eq(x.sum(-1), 1)),
  true,
);

/** Lower-triangular matrices with a positive diagonal. */
export const lowerCholesky: Constraint = new EventConstraint("lowerCholesky (lower-triangular with a positive diagonal)", 2, (x) => {
  const n = x.shape[x.ndim - 1]!;
  const rows = Tensor.fromData(Float64Array.from({ length: n * n }, (_, k) => Math.floor(k / n)), [n, n], "float64");
  const cols = Tensor.fromData(Float64Array.from({ length: n * n }, (_, k) => k % n), [n, n], "float64");
  const above = E.gt(cols, rows), diagonal = E.eq(cols, rows);
  // Valid entries: zero above the diagonal, positive on it, anything below.
  const ok = E.logicalOr(E.logicalAnd(above, E.eq(x, 0)), E.logicalOr(E.logicalAnd(diagonal, E.gt(x, 0)), E.lt(cols, rows)));
  return allRightmost(ok, 2);
});

/** Symmetric (within 1e-6, as PyTorch) positive-definite matrices (a Cholesky factorization exists). */
export const positiveDefinite: Constraint = new EventConstraint("positiveDefinite (symmetric with a Cholesky factorization)", 2, (x) => {
  const symmetric = allRightmost(E.le(E.abs(E.sub(x, transpose(x, -2, -1))), E.add(E.mul(E.abs(transpose(x, -2, -1)), 1e-5), 1e-6)), 2);
  if (!symmetric.all()) return symmetric;
  const n = x.shape[x.ndim - 1]!;
  const batch = x.shape.slice(0, -2);
  const flat = x.reshape(-1, n, n);
  const ok = new Uint8Array(flat.shape[0]!);
  for (let b = 0; b < ok.length; b++) {
    try {
      cholesky(flat.select(0, b));
      ok[b] = 1;
    } catch {
      ok[b] = 0;
    }
  }
  return Tensor.fromData(ok, batch, "bool");
});

/** A parameter whose valid set depends on other parameters (checked by the distribution itself). */
export const dependent: Constraint = new Elementwise("dependent", (x) => E.eq(x, x));
