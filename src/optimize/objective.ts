// An objective with its derivatives and evaluation counters, shared by every minimize method.

import { gradientOf, hessianOf } from "./autodiff.js";
import type { GradientFn, HessianFn, ObjectiveFn } from "./types.js";

/**
 * Wraps `fn` (and `jac`/`hess` when given; otherwise they come from ./autodiff.ts) and counts calls the
 * way scipy does: `nfev` objective values, `ngev` gradients, `nhev` Hessians. Values must be finite
 * numbers of the right length; anything else is an error naming the method and the bad value.
 */
export class Objective {
  nfev = 0;
  ngev = 0;
  nhev = 0;
  readonly n: number;
  private readonly fn: ObjectiveFn;
  private readonly jac: GradientFn;
  private readonly hess: HessianFn;

  constructor(
    readonly method: string,
    fn: ObjectiveFn,
    n: number,
    opts: { jac?: GradientFn; hess?: HessianFn } = {},
  ) {
    this.n = n;
    this.fn = fn;
    this.jac = opts.jac ?? gradientOf(fn);
    this.hess = opts.hess ?? hessianOf(fn, opts.jac);
  }

  value(x: Float64Array): number {
    this.nfev++;
    const v = this.fn(x);
    if (typeof v !== "number" || Number.isNaN(v)) {
      throw new Error(`${this.method}: objective returned ${String(v)} at x = [${Array.from(x).join(", ")}]`);
    }
    return v;
  }

  gradient(x: Float64Array): Float64Array {
    this.ngev++;
    const g = this.jac(x);
    if (g.length !== this.n) {
      throw new Error(`${this.method}: gradient has length ${g.length}, expected ${this.n} (the length of x)`);
    }
    return g;
  }

  hessian(x: Float64Array): Float64Array {
    this.nhev++;
    const h = this.hess(x);
    if (h.length !== this.n * this.n) {
      throw new Error(`${this.method}: Hessian has ${h.length} entries, expected ${this.n}×${this.n}=${this.n * this.n}`);
    }
    return h;
  }
}
