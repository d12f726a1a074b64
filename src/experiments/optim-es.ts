// Experiment: CMA-ES (with IPOP restarts), natural ES and the cross-entropy method on the 10-D Rastrigin function.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { runAskTell } from "../optimize/askTell.js";
import { cmaes } from "../optimize/CMAES.js";
import { CrossEntropyMethod } from "../optimize/CrossEntropyMethod.js";
import { NaturalES } from "../optimize/NaturalES.js";
import { rastrigin } from "../optimize/testFunctions.js";
import type { OptimizeResult } from "../optimize/types.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";

/**
 * Minimizes Rastrigin in n = 10 from x₀ = (3, …, 3) with an equal budget of evaluations (default 10⁵;
 * `epochs` overrides it) for 5 seeds (`seed`, seed+1, …): CMA-ES with IPOP restarts (σ₀ = 2, λ doubled
 * per restart), separable NES (σ₀ = 2, λ = 50, antithetic) and CEM (σ₀ = 2, λ = 100, 20% elite, extra
 * noise 0.5/(1+t)). Writes es-rastrigin.svg (median best-so-far f against evaluations, log scale) and
 * es-rastrigin.json; returns each method's median final f and its success rate (f < 1e-8).
 */
export const experiment: Experiment = {
  name: "optim-es",
  description: "CMA-ES (IPOP) vs natural ES vs cross-entropy method on 10-D Rastrigin",
  chapter: "numerical optimization",
  options: { epochs: { description: "objective evaluations each method may spend per seed", default: 100_000 } },
  run(opts: ExperimentOptions): ExperimentResult {
    const n = 10;
    const p = rastrigin(n);
    const budget = opts.epochs ?? 100_000;
    const x0 = new Float64Array(n).fill(3);
    const seeds = Array.from({ length: 5 }, (_, i) => opts.seed + i);
    const methods: { name: string; run: (seed: number) => OptimizeResult }[] = [
      { name: "CMA-ES (IPOP)", run: (seed) => cmaes(p.fn, x0, { sigma0: 2, seed, restarts: 9, maxEvals: budget, ftarget: 1e-10 }) },
      { name: "NES", run: (seed) => runAskTell(new NaturalES(x0, { sigma0: 2, popsize: 50, seed }), p.fn, { maxEvals: budget, ftarget: 1e-10 }) },
      { name: "CEM", run: (seed) => runAskTell(new CrossEntropyMethod(x0, { sigma0: 2, popsize: 100, extraNoise: 0.5, seed }), p.fn, { maxEvals: budget, ftarget: 1e-10 }) },
    ];
    const grid = Array.from({ length: 101 }, (_, i) => Math.round((budget * i) / 100));
    const result: ExperimentResult = {};
    const series: { name: string; x: number[]; y: number[] }[] = [];
    const summary: Record<string, { finals: number[]; evaluations: number[] }> = {};
    for (const m of methods) {
      const runs = seeds.map((s) => m.run(s));
      // Best-so-far f at each grid point (runs that hit the target keep their final value).
      const curves = runs.map((r) => grid.map((e) => {
        let best = Infinity;
        for (const q of r.trajectory) if (q.nfev <= e) best = Math.min(best, q.fun);
        return best;
      }));
      const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[(s.length - 1) >> 1]!; };
      series.push({ name: m.name, x: grid, y: grid.map((_, j) => Math.max(med(curves.map((c) => c[j]!)), 1e-12)) });
      const finals = runs.map((r) => r.fun);
      summary[m.name] = { finals, evaluations: runs.map((r) => r.nfev) };
      const key = m.name.split(" ")[0]!.toLowerCase();
      result[`${key}-median-final-f`] = med(finals);
      result[`${key}-success-rate`] = finals.filter((f) => f < 1e-8).length / finals.length;
      opts.log(`${m.name.padEnd(14)} final f per seed: ${finals.map((f) => f.toExponential(2)).join(", ")}`);
    }
    writeFileSync(join(opts.outDir, "es-rastrigin.json"), JSON.stringify({ n, budget, seeds, summary }, null, 1));
    savePlot(
      join(opts.outDir, "es-rastrigin.svg"),
      linePlot({ title: `Rastrigin ${n}-D: median best f over ${seeds.length} seeds`, xLabel: "objective evaluations", yLabel: "best f so far", logY: true, series }),
    );
    return result;
  },
};
