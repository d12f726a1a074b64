// Registry of every experiment the CLI can run; add one import and one list entry per experiment.
import type { Experiment } from "./Experiment.js";

export const experiments: Experiment[] = [];

export function findExperiment(name: string): Experiment {
  const found = experiments.find((e) => e.name === name);
  if (!found) {
    const names = experiments.map((e) => e.name).join(", ");
    throw new Error(`deepscript run: unknown experiment "${name}" (available: ${names})`);
  }
  return found;
}
