// The ask/tell interface shared by the evolution strategies, and a loop that drives one on an objective.

import type { ObjectiveFn, OptimizeResult, TrajectoryPoint } from "./types.js";

/**
 * An optimizer that proposes a population and learns from its fitness (lower is better):
 * ```ts
 * while (!es.stop()) { const X = es.ask(); es.tell(X.map(fn)); }
 * ```
 * `ask` must be followed by one `tell` with one fitness per proposed point, in order.
 */
export interface AskTellOptimizer {
  ask(): Float64Array[];
  tell(fitness: ArrayLike<number>): void;
  /** The reason to stop (e.g. "tolfun"), or null to go on. Budgets and targets are the driver's business. */
  stop(): string | null;
  /** Current centre of the search distribution. */
  readonly mean: Float64Array;
  /** Best point evaluated so far and its fitness. */
  readonly best: { x: Float64Array; f: number };
  readonly evaluations: number;
  readonly generation: number;
}

export interface RunOptions {
  /** Evaluation budget. */
  maxEvals: number;
  /** Stop once the best fitness is ≤ ftarget. */
  ftarget?: number;
  /** Evaluates a whole population at once (e.g. in parallel or as one batched tensor op); defaults to mapping `fn`. */
  batch?: (population: Float64Array[]) => ArrayLike<number>;
  /** Called after every generation; return true to stop. */
  callback?: (es: AskTellOptimizer) => boolean | void;
}

/** Checks one fitness list against the population it belongs to, naming the method. */
export function checkFitness(method: string, expected: number, fitness: ArrayLike<number>): void {
  if (fitness.length !== expected) {
    throw new Error(`${method}.tell: got ${fitness.length} fitness values for a population of ${expected}`);
  }
  for (let i = 0; i < fitness.length; i++) {
    if (Number.isNaN(fitness[i]!)) throw new Error(`${method}.tell: fitness[${i}] is NaN`);
  }
}

/**
 * Runs ask/tell until the optimizer stops itself, the budget is spent or the target reached. The
 * trajectory holds, per generation, the distribution mean and the best fitness seen so far.
 */
export function runAskTell(es: AskTellOptimizer, fn: ObjectiveFn, opts: RunOptions): OptimizeResult {
  const trajectory: TrajectoryPoint[] = [];
  let reason: string | null = null;
  const evaluate = opts.batch ?? ((pop: Float64Array[]) => pop.map(fn));
  for (;;) {
    if (es.best.f <= (opts.ftarget ?? -Infinity)) { reason = "ftarget"; break; }
    if (es.evaluations >= opts.maxEvals) { reason = "maxEvals"; break; }
    reason = es.stop();
    if (reason) break;
    const population = es.ask();
    es.tell(evaluate(population));
    trajectory.push({ x: Float64Array.from(es.mean), fun: es.best.f, nfev: es.evaluations });
    if (opts.callback?.(es)) { reason = "callback"; break; }
  }
  const success = reason !== "maxEvals" && reason !== "callback";
  return {
    x: Float64Array.from(es.best.x), fun: es.best.f, grad: new Float64Array(0), nit: es.generation,
    nfev: es.evaluations, ngev: 0, nhev: 0, success, message: `stopped: ${reason}`, trajectory,
  };
}
