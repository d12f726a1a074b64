// Experiment: how many iterations GD, heavy ball, Newton and BFGS need on quadratics as the condition number grows.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { minimize, type MinimizeOptions } from "../optimize/minimize.js";
import { quadratic } from "../optimize/testFunctions.js";
import { Generator } from "../random/Generator.js";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";

/**
 * On f(x) = ½xᵀAx in n = 10 dimensions with cond(A) = κ ∈ {1, 10, …, 10⁵} (random rotation), counts
 * iterations until ‖∇f‖₂ ≤ 10⁻⁶‖∇f(x₀)‖₂ for gradient descent with its best fixed step 2/(μ + L),
 * heavy ball with Polyak's parameters, Newton and BFGS (strong Wolfe). Theory: GD needs
 * ≈ (κ/2) ln 10⁶ iterations, heavy ball ≈ (√κ/2) ln 10⁶, Newton 1, BFGS at most about n + a few
 * (finite termination with exact line searches). Writes conditioning.svg (log–log) and
 * conditioning.json. `seed` picks A's rotation and x₀; `epochs` caps the iterations per run (default 2·10⁶).
 */
export const experiment: Experiment = {
  name: "optim-conditioning",
  description: "Iterations of GD, heavy ball, Newton and BFGS on quadratics as the condition number grows",
  chapter: "numerical optimization",
  options: { epochs: { description: "the most iterations one method may take on one κ", default: 2_000_000 } },
  run(opts: ExperimentOptions): ExperimentResult {
    const n = 10;
    const kappas = [1, 10, 100, 1e3, 1e4, 1e5];
    const gen = new Generator(opts.seed);
    const x0 = Float64Array.from({ length: n }, () => gen.normal());
    const methods: { name: string; options: (k: number) => MinimizeOptions }[] = [
      { name: "gradient descent", options: (k) => ({ method: "gradient-descent", lr: 2 / (1 + k) }) },
      { name: "heavy ball", options: (k) => ({ method: "momentum", lr: 4 / (1 + Math.sqrt(k)) ** 2, momentum: ((Math.sqrt(k) - 1) / (Math.sqrt(k) + 1)) ** 2 }) },
      { name: "Newton", options: () => ({ method: "newton" }) },
      { name: "BFGS", options: () => ({ method: "bfgs" }) },
    ];
    const table: Record<string, number[]> = {};
    const result: ExperimentResult = {};
    for (const m of methods) {
      table[m.name] = kappas.map((k) => {
        const q = quadratic(n, k, { seed: opts.seed });
        const tol = 1e-6 * Math.hypot(...q.grad(x0));
        const r = minimize(q.fn, x0, { jac: q.grad, hess: q.hess, tol, norm: 2, maxIter: opts.epochs ?? 2_000_000, ...m.options(k) });
        if (!r.success) opts.log(`${m.name}, κ = ${k}: ${r.message}`);
        return r.nit;
      });
      result[m.name.replace(/\s+/g, "-").toLowerCase()] = table[m.name]!;
      opts.log(`${m.name.padEnd(17)} iterations: ${table[m.name]!.join(", ")}  (κ = ${kappas.join(", ")})`);
    }
    const theory = kappas.map((k) => Math.max(1, ((k - 1) / 2) * Math.log(1e6)));
    writeFileSync(join(opts.outDir, "conditioning.json"), JSON.stringify({ n, kappas, iterations: table, gdTheory: theory }, null, 1));
    savePlot(
      join(opts.outDir, "conditioning.svg"),
      linePlot({
        title: `Iterations to reduce ‖∇f‖ by 10⁶ on a ${n}-D quadratic`,
        xLabel: "log10(condition number κ)", yLabel: "iterations", logY: true,
        series: [
          ...methods.map((m) => ({ name: m.name, x: kappas.map(Math.log10), y: table[m.name]!.map((v) => Math.max(v, 1)) })),
          { name: "GD theory (κ−1)/2·ln 10⁶", x: kappas.map(Math.log10), y: theory, dashed: true, color: "#7f7f7f" },
        ],
      }),
    );
    return result;
  },
};
