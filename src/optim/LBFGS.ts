// L-BFGS over a module's parameters (PyTorch's closure-based `torch.optim.LBFGS`), with its strong-Wolfe line search.
import { Tensor } from "../tensor/Tensor.js";
import { enableGrad, noGrad } from "../autograd/engine.js";
import { twoLoop } from "../optimize/lbfgs.js";
import { dot } from "../optimize/vector.js";
import { Optimizer, type ParamGroup, type ParamsArg, withDefaults } from "./Optimizer.js";

/** The line searches LBFGS knows: PyTorch's spelling and the camelCase one mean the same. */
export type LBFGSLineSearch = "strong_wolfe" | "strongWolfe";

/**
 * The hyperparameters of {@link LBFGS} (PyTorch's keyword arguments in camelCase): step length, iteration and
 * evaluation budgets, stopping tolerances, history size and line search.
 */
export interface LBFGSHyper {
  /** Step length: every step but the very first tries t = lr (the first tries lr·min(1, 1/‖g‖₁)). */
  lr: number;
  /** Most L-BFGS iterations inside one `step(closure)` call. */
  maxIter: number;
  /** Most closure evaluations inside one `step(closure)` call (checked after each iteration). */
  maxEval: number;
  /** Stop when the largest gradient entry |gᵢ| is at most this. */
  toleranceGrad: number;
  /** Stop when a step, a loss change or the directional derivative is smaller than this. */
  toleranceChange: number;
  /** m: how many (s, y) pairs the inverse-Hessian model keeps. */
  historySize: number;
  /** null: fixed step t; "strong_wolfe": choose t by the strong-Wolfe search of `strongWolfeSearch`. */
  lineSearchFn: LBFGSLineSearch | null;
}

/** One curvature pair: s = x_{k+1} − x_k, y = g_{k+1} − g_k, ρ = 1/(yᵀs). */
export interface CurvaturePair {
  s: Float64Array;
  y: Float64Array;
  rho: number;
}

/**
 * The optimizer's global state (kept, as in PyTorch, under the first parameter). Vectors are flat views
 * of all parameters concatenated in order, in float64.
 */
export interface LBFGSState {
  /** Closure evaluations over all steps. */
  funcEvals: number;
  /** L-BFGS iterations over all steps. */
  nIter: number;
  /** The last search direction and step length (s = t·d when the next gradient arrives). */
  d?: Float64Array;
  t?: number;
  /** Curvature pairs, oldest first. */
  history: CurvaturePair[];
  prevFlatGrad?: Float64Array;
  prevLoss?: number;
}

/** What the line search needs from the objective: f(x + t·d) and ∇f(x + t·d) at a trial step t. */
export type DirectionalEvaluate = (t: number) => { loss: number; grad: Float64Array };

export interface StrongWolfeOptions {
  /** Sufficient-decrease constant (Armijo). */
  c1?: number;
  /** Curvature constant. */
  c2?: number;
  /** Stop zooming when the bracket times max|dᵢ| is below this. */
  toleranceChange?: number;
  /** Most evaluations after the first. */
  maxLs?: number;
}

export interface StrongWolfeResult {
  loss: number;
  grad: Float64Array;
  t: number;
  /** Closure evaluations made by the search. */
  evals: number;
}

/**
 * Minimizer of the cubic that matches f and f' at two points x₁, x₂, clamped to `bounds` (default:
 * the interval between the points); the interval's midpoint when that cubic has no minimizer.
 * With d₁ = f'₁ + f'₂ − 3(f₁ − f₂)/(x₁ − x₂) and d₂ = √(d₁² − f'₁f'₂), and x₂ the farther-right point:
 *   x = x₂ − (x₂ − x₁)·(f'₂ + d₂ − d₁)/(f'₂ − f'₁ + 2d₂)
 * (Nocedal & Wright, Numerical Optimization, 2nd ed., eq. 3.59; the form used by Torch7's polyinterp.lua.)
 */
export function cubicInterpolate(
  x1: number, f1: number, g1: number,
  x2: number, f2: number, g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (!(d2Square >= 0)) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2Square);
  const minPos = x1 <= x2
    ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return pyMin(pyMax(minPos, lo), hi);
}

// Python's max/min (keep the first argument unless the second is strictly larger/smaller), so that a
// NaN trial step behaves as in PyTorch.
function pyMax(a: number, b: number): number {
  return b > a ? b : a;
}
function pyMin(a: number, b: number): number {
  return b < a ? b : a;
}

/**
 * PyTorch's strong-Wolfe line search for LBFGS (a port of Torch7's lswolfe.lua, itself after
 * minFunc's WolfeLineSearch; Nocedal & Wright 2nd ed., Algorithms 3.5–3.6 are the textbook form).
 * Looks for t with
 *   f(x + td) ≤ f(x) + c₁·t·gᵀd   and   |∇f(x + td)ᵀd| ≤ −c₂·gᵀd.
 *
 * 1. Bracketing, from the trial step `t`: stop when the Armijo test fails or f stops decreasing (bracket
 *    [t_prev, t]), when the curvature test holds (done), or when the slope turns non-negative (bracket
 *    [t_prev, t]); otherwise extrapolate by the cubic through (t_prev, t), clamped to
 *    [t + 0.01(t − t_prev), 10t].
 * 2. Zoom: the next trial is the cubic's minimizer inside the bracket; a trial within 10% of the bracket
 *    of an end (twice in a row, or outside it) is moved to 10% from the nearer end. The bracket keeps a
 *    low end (lowest f meeting the Armijo test) and a high end, like N&W Algorithm 3.6. It stops when
 *    the bracket is shorter than `toleranceChange / max|dᵢ|` or after `maxLs` evaluations.
 *
 * Returns the low end of the final bracket. `f`, `g`, `gtd` are f(x), ∇f(x), ∇f(x)ᵀd.
 */
export function strongWolfeSearch(
  evaluate: DirectionalEvaluate,
  t: number,
  d: Float64Array,
  f: number,
  g: Float64Array,
  gtd: number,
  options: StrongWolfeOptions = {},
): StrongWolfeResult {
  const c1 = options.c1 ?? 1e-4;
  const c2 = options.c2 ?? 0.9;
  const toleranceChange = options.toleranceChange ?? 1e-9;
  const maxLs = options.maxLs ?? 25;
  const dNorm = maxAbs(d);
  // Written as PyTorch writes them, so that NaN losses take the same branches.
  const armijoFails = (tt: number, ft: number): boolean => ft > f + c1 * tt * gtd;
  const curvature = (gtdT: number): boolean => Math.abs(gtdT) <= -c2 * gtd;

  let { loss: fNew, grad: gNew } = evaluate(t);
  let evals = 1;
  let gtdNew = dot(gNew, d);

  // 1. Bracketing.
  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Float64Array[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (armijoFails(t, fNew) || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, gNew]; bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (curvature(gtdNew)) {
      bracket = [t]; bracketF = [fNew]; bracketG = [gNew];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, gNew]; bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    // Extrapolate: the cubic's minimizer, at least 1% beyond t and at most 10t.
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tCurrent = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tCurrent;
    fPrev = fNew;
    gPrev = gNew;
    gtdPrev = gtdNew;
    ({ loss: fNew, grad: gNew } = evaluate(t));
    evals++;
    gtdNew = dot(gNew, d);
    lsIter++;
  }
  if (lsIter === maxLs) {
    bracket = [0, t]; bracketF = [f, fNew]; bracketG = [g, gNew];
  }

  // 2. Zoom.
  let insufficientProgress = false;
  let [low, high] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    const a = bracket[0]!;
    const b = bracket[1]!;
    if (Math.abs(b - a) * dNorm < toleranceChange) break;
    t = cubicInterpolate(a, bracketF[0]!, bracketGtd[0]!, b, bracketF[1]!, bracketGtd[1]!);
    const top = Math.max(a, b);
    const bottom = Math.min(a, b);
    const eps = 0.1 * (top - bottom);
    if (Math.min(top - t, t - bottom) < eps) {
      // Too close to an end: accept once, but move it in if it happens again or falls outside.
      if (insufficientProgress || t >= top || t <= bottom) {
        t = Math.abs(t - top) < Math.abs(t - bottom) ? top - eps : bottom + eps;
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    ({ loss: fNew, grad: gNew } = evaluate(t));
    evals++;
    gtdNew = dot(gNew, d);
    lsIter++;
    if (armijoFails(t, fNew) || fNew >= bracketF[low]!) {
      // The trial becomes the high end.
      bracket[high] = t; bracketF[high] = fNew; bracketG[high] = gNew; bracketGtd[high] = gtdNew;
      [low, high] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (curvature(gtdNew)) {
        done = true;
      } else if (gtdNew * (bracket[high]! - bracket[low]!) >= 0) {
        // The slope points away from the high end: the old low end becomes the high end.
        bracket[high] = bracket[low]!; bracketF[high] = bracketF[low]!; bracketG[high] = bracketG[low]!; bracketGtd[high] = bracketGtd[low]!;
      }
      bracket[low] = t; bracketF[low] = fNew; bracketG[low] = gNew; bracketGtd[low] = gtdNew;
    }
  }
  return { loss: bracketF[low]!, grad: bracketG[low]!, t: bracket[low]!, evals };
}

/** max|vᵢ|, NaN if any entry is NaN (like a tensor's max). */
function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (Number.isNaN(a)) return NaN;
    if (a > m) m = a;
  }
  return m;
}

function sumAbs(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.abs(v[i]!);
  return s;
}

function neg(v: Float64Array): Float64Array {
  return v.map((x) => -x);
}

function lossValue(loss: unknown): number {
  if (typeof loss === "number") return loss;
  if (loss instanceof Tensor) return loss.item();
  throw new Error(`LBFGS.step: the closure must return the loss as a Tensor or a number, got ${typeof loss}`);
}

/**
 * L-BFGS (Liu & Nocedal, "On the limited memory BFGS method for large scale optimization", Math.
 * Programming 45, 1989) as PyTorch's `torch.optim.LBFGS` runs it, after Mark Schmidt's minFunc. All
 * parameters are treated as one flat vector x (in float64); one `step(closure)` runs up to `maxIter`
 * iterations, each:
 * ```
 * g ← ∇f(x)                           (closure: zeroGrad, forward, backward, return the loss)
 * pair (s, y) = (t·d, g − g_prev) is kept when yᵀs > 1e-10 (the oldest dropped beyond historySize)
 * d ← −H g                            (two-loop recursion, H⁰ = (sᵀy / yᵀy)·I of the newest pair)
 * t ← lr·min(1, 1/‖g‖₁) on the very first iteration, else lr
 * stop if gᵀd > −toleranceChange
 * t ← strongWolfeSearch(…) if lineSearchFn, x ← x + t·d
 * stop when maxIter or maxEval is reached, max|gᵢ| ≤ toleranceGrad, max|t·dᵢ| ≤ toleranceChange,
 *   or |f − f_prev| < toleranceChange
 * ```
 * Without a line search the last iteration of a step does not re-evaluate the closure (the next step
 * starts with one). The state (history, last direction) carries over between `step` calls. The closure
 * may be called several times per step; `step` returns the loss of its first call. One parameter group
 * only. Arithmetic is float64 whatever the parameters' dtype; float32 parameters round on every write.
 *
 * ```ts
 * const w = tensor([0, 0, 0], { dtype: "float64" }).requiresGrad_();
 * const opt = new optim.LBFGS([w], { lineSearchFn: "strong_wolfe", maxIter: 50 });
 * const closure = () => {
 *   opt.zeroGrad();
 *   const loss = X.matmul(w).exp().log1p().sub(y.mul(X.matmul(w))).mean();   // logistic regression
 *   loss.backward();
 *   return loss;
 * };
 * for (let i = 0; i < 5; i++) opt.step(closure);
 * ```
 */
export class LBFGS extends Optimizer<LBFGSHyper, LBFGSState> {
  private readonly params: Tensor[];
  private readonly numel: number;

  constructor(params: ParamsArg<LBFGSHyper>, options: Partial<LBFGSHyper> = {}) {
    const maxIter = options.maxIter ?? 20;
    const defaults: LBFGSHyper = withDefaults("LBFGS", {
      lr: 1, maxIter, maxEval: Math.floor((maxIter * 5) / 4), toleranceGrad: 1e-7, toleranceChange: 1e-9,
      historySize: 100, lineSearchFn: null,
    } as LBFGSHyper, options);
    validate(defaults);
    super(params, defaults);
    if (this.paramGroups.length !== 1) {
      throw new Error(`LBFGS: parameter groups are not supported (got ${this.paramGroups.length} groups; pass one list of parameters)`);
    }
    this.params = this.paramGroups[0]!.params;
    this.numel = this.params.reduce((n, p) => n + p.size, 0);
  }

  override addParamGroup(group: Partial<LBFGSHyper> & { params: Iterable<Tensor> }): void {
    if (this.paramGroups.length > 0) throw new Error("LBFGS: parameter groups are not supported (there can be only one)");
    super.addParamGroup(group);
  }

  protected updateGroup(): void {
    throw new Error("LBFGS: step needs a closure that re-evaluates the loss: opt.step(() => { ...; return loss; })");
  }

  /**
   * Runs up to `maxIter` L-BFGS iterations. `closure` must clear the gradients, compute the loss, call
   * `backward()` and return the loss (a Tensor or a number); its first value is returned.
   */
  override step<L>(closure?: () => L): L | undefined {
    if (closure === undefined) this.updateGroup();
    const group = this.paramGroups[0]!;
    validate(group);
    return noGrad(() => this.run(group, closure!));
  }

  private run<L>(group: ParamGroup<LBFGSHyper>, closure: () => L): L {
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    const first = this.params[0]!;
    const state: LBFGSState = this.state.get(first) ?? { funcEvals: 0, nIter: 0, history: [] };
    this.state.set(first, state);

    const origLoss = enableGrad(closure);
    let loss = lossValue(origLoss);
    let currentEvals = 1;
    state.funcEvals += 1;
    let flatGrad = this.gatherFlatGrad();
    let optimal = maxAbs(flatGrad) <= toleranceGrad;
    if (optimal) return origLoss;

    let { d, t, prevFlatGrad, prevLoss } = state;
    let history = [...state.history];
    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      state.nIter++;

      // Direction: steepest descent at the very first iteration, else the L-BFGS direction.
      if (state.nIter === 1) {
        d = neg(flatGrad);
        history = [];
      } else {
        const y = flatGrad.map((gi, i) => gi - prevFlatGrad![i]!);
        const s = d!.map((di) => di * t!);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (history.length === historySize) history.shift();
          history.push({ s, y, rho: 1 / ys });
        }
        d = twoLoop(neg(flatGrad), history);
      }
      prevFlatGrad = flatGrad.slice();
      prevLoss = loss;

      // Step length.
      t = state.nIter === 1 ? Math.min(1, 1 / sumAbs(flatGrad)) * lr : lr;
      const gtd = dot(flatGrad, d);
      if (gtd > -toleranceChange) break;

      let lsEvals = 0;
      if (lineSearchFn !== null) {
        const x0 = this.flatParams();
        const direction = d;
        const result = strongWolfeSearch((tt) => this.directionalEvaluate(closure, x0, tt, direction), t, d, loss, flatGrad, gtd);
        ({ loss, grad: flatGrad, t, evals: lsEvals } = result);
        this.addToParams(t, d);
        optimal = maxAbs(flatGrad) <= toleranceGrad;
      } else {
        this.addToParams(t, d);
        if (nIter !== maxIter) {
          // Not on the last iteration: the next step() evaluates there anyway.
          loss = lossValue(enableGrad(closure));
          flatGrad = this.gatherFlatGrad();
          optimal = maxAbs(flatGrad) <= toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      state.funcEvals += lsEvals;

      // Termination.
      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optimal) break;
      const step = t;
      if (maxAbs(d.map((di) => di * step)) <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }

    state.d = d;
    state.t = t;
    state.history = history;
    state.prevFlatGrad = prevFlatGrad;
    state.prevLoss = prevLoss;
    return origLoss;
  }

  /** All gradients concatenated in parameter order (zeros for a parameter without one): (numel,). */
  private gatherFlatGrad(): Float64Array {
    const flat = new Float64Array(this.numel);
    let offset = 0;
    for (const p of this.params) {
      if (p.grad !== null) flat.set(p.grad.dataSync() as ArrayLike<number>, offset);
      offset += p.size;
    }
    return flat;
  }

  /** All parameter values concatenated: (numel,). */
  private flatParams(): Float64Array {
    const flat = new Float64Array(this.numel);
    let offset = 0;
    for (const p of this.params) {
      flat.set(p.dataSync() as ArrayLike<number>, offset);
      offset += p.size;
    }
    return flat;
  }

  private setFlatParams(flat: Float64Array): void {
    let offset = 0;
    for (const p of this.params) {
      p.copy_(Tensor.fromData(flat.slice(offset, offset + p.size), p.shape, "float64"));
      offset += p.size;
    }
  }

  /** x ← x + t·d on the parameters. */
  private addToParams(t: number, d: Float64Array): void {
    const x = this.flatParams();
    for (let i = 0; i < x.length; i++) x[i] = x[i]! + t * d[i]!;
    this.setFlatParams(x);
  }

  /** f and ∇f at x₀ + t·d; the parameters are back at x₀ afterwards. */
  private directionalEvaluate<L>(closure: () => L, x0: Float64Array, t: number, d: Float64Array): { loss: number; grad: Float64Array } {
    this.addToParams(t, d);
    const loss = lossValue(enableGrad(closure));
    const grad = this.gatherFlatGrad();
    this.setFlatParams(x0);
    return { loss, grad };
  }
}

function validate(h: LBFGSHyper): void {
  if (!(h.lr > 0)) throw new Error(`LBFGS: invalid learning rate ${h.lr} (must be > 0)`);
  if (!(Number.isInteger(h.maxIter) && h.maxIter >= 1)) throw new Error(`LBFGS: maxIter must be a positive integer, got ${h.maxIter}`);
  if (!(h.maxEval >= 1)) throw new Error(`LBFGS: maxEval must be at least 1, got ${h.maxEval}`);
  if (!(Number.isInteger(h.historySize) && h.historySize >= 1)) throw new Error(`LBFGS: historySize must be a positive integer, got ${h.historySize}`);
  if (!(h.toleranceGrad >= 0)) throw new Error(`LBFGS: invalid toleranceGrad ${h.toleranceGrad}`);
  if (!(h.toleranceChange >= 0)) throw new Error(`LBFGS: invalid toleranceChange ${h.toleranceChange}`);
  if (h.lineSearchFn !== null && h.lineSearchFn !== "strong_wolfe" && h.lineSearchFn !== "strongWolfe") {
    throw new Error(`LBFGS: unknown lineSearchFn ${JSON.stringify(h.lineSearchFn)}; use null or "strong_wolfe"`);
  }
}
