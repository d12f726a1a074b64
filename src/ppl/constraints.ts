// Bijections from unconstrained reals onto a parameter's constraint (Pyro's biject_to): `param` keeps the
// unconstrained tensor as the optimized leaf and hands the model the constrained value.
import { Tensor } from "../tensor/Tensor.js";
import * as E from "../ops/elementwise.js";
import { eye, ones, zeros } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { softmax } from "../nn/functional/activations.js";
import { fmtShape } from "../tensor/shape.js";
import * as C from "../distributions/constraints.js";

/** A map from unconstrained reals onto a constraint's set, with its inverse (on plain values, no gradient needed). */
export interface ParamTransform {
  /** The constraint the forward map lands in (named in errors). */
  readonly constraint: C.Constraint;
  /** Unconstrained → constrained, differentiable. */
  forward(x: Tensor): Tensor;
  /** Constrained → unconstrained, for the initial value. */
  inverse(y: Tensor): Tensor;
}

const identity = (constraint: C.Constraint): ParamTransform => ({ constraint, forward: (x) => x, inverse: (y) => y });

/** exp(x) + lower onto (lower, ∞). */
const shiftedExp = (constraint: C.Constraint, lower: number): ParamTransform => ({
  constraint,
  forward: (x) => (lower === 0 ? E.exp(x) : E.add(E.exp(x), lower)),
  inverse: (y) => E.log(lower === 0 ? y : E.sub(y, lower)),
});

/** lower + (upper − lower)·σ(x) onto (lower, upper). */
const scaledSigmoid = (constraint: C.Constraint, lower: number, upper: number): ParamTransform => ({
  constraint,
  forward: (x) => E.add(E.mul(E.sigmoid(x), upper - lower), lower),
  inverse: (y) => {
    const p = E.div(E.sub(y, lower), upper - lower);
    return E.log(E.div(p, E.sub(1, p)));
  },
});

/** Lower-triangular with a positive diagonal: strictly-lower part of x plus exp of its diagonal (Pyro's LowerCholeskyTransform). */
const lowerCholesky: ParamTransform = {
  constraint: C.lowerCholesky,
  forward: (x) => {
    const { strict, diag } = masks(x);
    return E.add(E.mul(x, strict), E.mul(E.exp(x), diag));
  },
  inverse: (y) => {
    const { strict, diag } = masks(y);
    // log only where the diagonal is: elsewhere log of 0 or of a negative entry would poison the sum
    const safe = E.add(E.mul(y, diag), E.sub(1, diag));
    return E.add(E.mul(y, strict), E.mul(E.log(safe), diag));
  },
};

function masks(x: Tensor): { strict: Tensor; diag: Tensor } {
  const n = x.shape.at(-1)!;
  if (x.ndim < 2 || x.shape.at(-2) !== n) throw new Error(`ppl.param: a lowerCholesky parameter must be a square matrix (or a batch of them), got shape ${fmtShape(x.shape)}`);
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) data[i * n + j] = 1;
  const strict = Tensor.fromData(data, [n, n], "float64").to(x.dtype);
  return { strict, diag: eye(n, n, { dtype: x.dtype }) };
}

/** The simplex through softmax of [x, 0] along the last dim (a bijection from K − 1 reals onto K probabilities). */
const simplex: ParamTransform = {
  constraint: C.simplex,
  forward: (x) => softmax(cat([x, zeros([...x.shape.slice(0, -1), 1], { dtype: x.dtype })], -1), -1),
  inverse: (y) => {
    const k = y.shape.at(-1)!;
    if (k < 2) throw new Error(`ppl.param: a simplex parameter needs at least 2 entries in its last dim, got shape ${fmtShape(y.shape)}`);
    const logy = E.log(y);
    return E.sub(logy.narrow(-1, 0, k - 1), logy.narrow(-1, k - 1, 1).mul(ones([1], { dtype: y.dtype })));
  },
};

/**
 * The transform for a constraint: `real` (identity), `positive` (exp), `greaterThan(l)` (exp + l),
 * `unitInterval` and `interval(l, u)` with number bounds (scaled sigmoid), `lowerCholesky`, `simplex`.
 */
export function transformTo(constraint: C.Constraint): ParamTransform {
  if (constraint === C.real || constraint === C.realVector) return identity(constraint);
  if (constraint === C.positive) return shiftedExp(constraint, 0);
  if (constraint === C.unitInterval) return scaledSigmoid(constraint, 0, 1);
  if (constraint === C.lowerCholesky) return lowerCholesky;
  if (constraint === C.simplex) return simplex;
  const bounds = constraint as { lowerBound?: unknown; upperBound?: unknown };
  if (typeof bounds.lowerBound === "number" && bounds.upperBound === undefined) return shiftedExp(constraint, bounds.lowerBound);
  if (typeof bounds.lowerBound === "number" && typeof bounds.upperBound === "number") return scaledSigmoid(constraint, bounds.lowerBound, bounds.upperBound);
  throw new Error(
    `ppl.param: no transform onto the constraint ${constraint.toString()}; supported: real, positive, greaterThan(number), unitInterval, interval(number, number), lowerCholesky, simplex`,
  );
}
