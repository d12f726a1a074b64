// Registry of every experiment the CLI can run; add one import and one list entry per experiment.
import type { Experiment } from "./Experiment.js";
import { experiment as kuhnCfr } from "./kuhn-cfr.js";
import { experiment as matrixGames } from "./matrix-games.js";
import { experiment as optimRosenbrock } from "./optim-rosenbrock.js";
import { experiment as optimConditioning } from "./optim-conditioning.js";
import { experiment as optimEs } from "./optim-es.js";
import { experiment as minimaxBilinear } from "./minimax-bilinear.js";

export const experiments: Experiment[] = [kuhnCfr, matrixGames, optimRosenbrock, optimConditioning, optimEs, minimaxBilinear];

export function findExperiment(name: string): Experiment {
  const found = experiments.find((e) => e.name === name);
  if (!found) {
    const names = experiments.map((e) => e.name).join(", ");
    throw new Error(`deepscript run: unknown experiment "${name}" (available: ${names})`);
  }
  return found;
}
