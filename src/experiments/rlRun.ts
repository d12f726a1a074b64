// Shared tail of the deep-RL experiments: several seeds of one agent, summary metrics, return curves and a plot.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { EvaluationResult } from "../rl/evaluate.js";
import type { ReturnCurve } from "../rl/agents/common.js";
import type { ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** What each agent's `train*` returns that the experiments report. */
export interface AgentRun {
  curve: ReturnCurve;
  evaluation: EvaluationResult;
  envSteps: number;
  seconds: number;
}

/** Mean of the last `window` episode returns at each episode's end (the plotted curve). */
function movingAverage(values: readonly number[], window: number): number[] {
  let sum = 0;
  return values.map((v, i) => {
    sum += v - (i >= window ? values[i - window]! : 0);
    return sum / Math.min(i + 1, window);
  });
}

/**
 * Trains with seeds `opts.seed, opts.seed + 1, …` (`seeds` of them), writes curves.json (every episode's
 * end step and return per seed) and returns.svg (20-episode moving averages), and returns the metrics:
 * `evalReturnMean` / `evalReturnStd` — mean over seeds of each seed's final deterministic evaluation
 * (mean ± std over its episodes); per-seed lists; `solvedSeeds` (seeds with evaluation mean ≥ `target`);
 * `envSteps` per seed; `seconds` of training and evaluation, all seeds together.
 */
export function runSeeds(name: string, opts: ExperimentOptions, seeds: number, target: number, train: (seed: number) => AgentRun): ExperimentResult {
  const runs: (AgentRun & { seed: number })[] = [];
  for (let k = 0; k < seeds; k++) {
    const seed = opts.seed + k;
    const run = train(seed);
    runs.push({ ...run, seed });
    opts.log(`${name} seed ${seed}: evaluation return ${run.evaluation.mean.toFixed(1)} ± ${run.evaluation.std.toFixed(1)} after ${run.envSteps} env steps (${run.seconds.toFixed(1)} s)`);
  }
  writeFileSync(
    join(opts.outDir, "curves.json"),
    JSON.stringify(runs.map((r) => ({ seed: r.seed, steps: r.curve.steps, returns: r.curve.returns, evalReturns: r.evaluation.returns })), null, 0) + "\n",
  );
  savePlot(
    join(opts.outDir, "returns.svg"),
    linePlot({
      title: `${name}: training episode returns (20-episode moving average)`,
      xLabel: "environment steps",
      yLabel: "return",
      series: runs.map((r) => ({ name: `seed ${r.seed}`, x: r.curve.steps, y: movingAverage(r.curve.returns, 20) })),
    }),
  );
  const means = runs.map((r) => r.evaluation.mean);
  const stds = runs.map((r) => r.evaluation.std);
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    evalReturnMean: avg(means),
    evalReturnStd: avg(stds),
    evalReturnMeanPerSeed: means,
    evalReturnStdPerSeed: stds,
    evalReturnMinSeed: Math.min(...means),
    solvedSeeds: means.filter((m) => m >= target).length,
    target,
    seeds: runs.map((r) => r.seed),
    envSteps: runs[0]!.envSteps,
    seconds: runs.reduce((a, r) => a + r.seconds, 0),
    secondsPerSeed: runs.map((r) => r.seconds),
  };
}

/** The command-line budget options that were given (an option left out keeps the experiment's default). */
export function givenOptions(params: Record<string, number> | undefined, keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) if (params?.[k] !== undefined) out[k] = params[k]!;
  return out;
}
