// Go-Explore, phase 1 ("explore until solved"): an archive of cells, return to a chosen cell by restoring its
// saved state, explore from it with random actions, keep the best trajectory to every cell.
//
// Papers: Ecoffet, Huizinga, Lehman, Stanley, Clune 2019, "Go-Explore: a New Approach for Hard-Exploration
// Problems", https://arxiv.org/abs/1901.10995 ; Ecoffet et al. 2021, "First return, then explore", Nature 590,
// https://doi.org/10.1038/s41586-020-03157-9 . Phase 2 (robustifying the found trajectory by imitation
// learning) is not part of this file.

import type { Env, RestorableEnv } from "../Env.js";
import { Generator } from "../../random/Generator.js";

/** Hyperparameters of {@link goExplore}. */
export interface GoExploreConfig<Obs> {
  /** Environment steps to spend (exploration steps; restoring a state costs none). */
  totalTimesteps: number;
  /** Random actions taken after each return (the paper's 100). */
  exploreSteps: number;
  /** Probability of repeating the previous action instead of drawing a new one (the paper's 0.95). */
  repeatActionProbability: number;
  /**
   * The cell an observation belongs to, as a string key: the paper's downscaled representation (a coarse
   * frame, or here a maze position). Default: the observation itself, `JSON.stringify(observation)`.
   */
  cellOf: (observation: Obs) => string;
  /** Seeds the cell choice, the action draws (the action space is seeded too) and the environment's reset. */
  seed: number;
}

/** The defaults of {@link goExplore}'s {@link GoExploreConfig}: the paper's exploration settings. */
export const goExploreDefaults: GoExploreConfig<unknown> = {
  totalTimesteps: 100_000,
  exploreSteps: 100,
  repeatActionProbability: 0.95,
  cellOf: (observation) => JSON.stringify(observation),
  seed: 0,
};

/** One archive entry: the best way found so far into a cell, and the counts that weigh its selection. */
export interface ArchiveCell<Obs, Act, State> {
  key: string;
  /** The observation and the environment's snapshot at the end of `actions`. */
  observation: Obs;
  state: State;
  /** Return (sum of rewards) of `actions` from reset. */
  score: number;
  /** The actions from reset that reach the cell. */
  actions: Act[];
  /** The episode ended (terminated or truncated) on reaching this state, so it cannot be explored from. */
  done: boolean;
  /** Times the cell was chosen to return to. */
  timesChosen: number;
  /** Explorations that entered the cell (each exploration counts a cell once). */
  timesSeen: number;
  /** Environment steps spent when the cell entered the archive. */
  foundAtStep: number;
}

/**
 * What {@link goExplore} returns: the archive, the best trajectory (highest score, then shortest), how many
 * cells were found, the archive size over the run, and the steps and seconds spent.
 */
export interface GoExploreResult<Obs, Act, State> {
  /** Every cell found, keyed by `cellOf`, in the order they were found. */
  archive: Map<string, ArchiveCell<Obs, Act, State>>;
  /** The entry with the highest score; among equal scores, the shortest trajectory. */
  best: ArchiveCell<Obs, Act, State>;
  cellsFound: number;
  /** Environment steps at which an entry with `best.score` first entered the archive. */
  bestScoreStep: number;
  /** Archive size after each iteration: (environment steps so far, cells). */
  growth: { steps: number[]; cells: number[] };
  iterations: number;
  envSteps: number;
  seconds: number;
}

/** True when `env` has `cloneState()` and `restoreState()`. */
function isRestorable<Obs, Act>(env: Env<Obs, Act>): env is RestorableEnv<Obs, Act> {
  const candidate = env as Partial<RestorableEnv<Obs, Act>>;
  return typeof candidate.cloneState === "function" && typeof candidate.restoreState === "function";
}

function checkConfig<Obs>(cfg: GoExploreConfig<Obs>): void {
  for (const key of ["totalTimesteps", "exploreSteps"] as const) {
    if (!Number.isInteger(cfg[key]) || cfg[key] <= 0) throw new Error(`GoExplore: ${key} must be a positive integer, got ${cfg[key]}`);
  }
  const p = cfg.repeatActionProbability;
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new Error(`GoExplore: repeatActionProbability must lie in [0, 1], got ${p}`);
  if (typeof cfg.cellOf !== "function") throw new Error(`GoExplore: cellOf must be a function from an observation to a cell key, got ${String(cfg.cellOf)}`);
}

/**
 * The selection weight of a cell, 1/√(timesSeen + 1) (Ecoffet et al. 2021, Methods, "Cell selection"): cells
 * that exploration has rarely entered — the frontier — are chosen most often.
 */
export function cellWeight(cell: { timesSeen: number }): number {
  return 1 / Math.sqrt(cell.timesSeen + 1);
}

/**
 * Runs Go-Explore's phase 1 on a deterministic environment with `cloneState()` / `restoreState()` (such as
 * `rl.Maze`) for `totalTimesteps` exploration steps, and returns the archive and the best trajectory found.
 * Same config (seed included), same run.
 */
export function goExplore<Obs, Act, State>(env: RestorableEnv<Obs, Act, State> | Env<Obs, Act>, config: Partial<GoExploreConfig<Obs>> = {}): GoExploreResult<Obs, Act, State> {
  const cfg = { ...(goExploreDefaults as GoExploreConfig<Obs>), ...config };
  const begin = performance.now();
  if (!isRestorable(env)) {
    throw new Error(
      `GoExplore: environment ${env.id ?? env.constructor.name} has no cloneState()/restoreState(); Go-Explore returns to a cell by restoring its saved state ` +
        "(rl.Maze has them; a wrapper such as TimeLimit hides them, so pass the unwrapped environment)",
    );
  }
  const restorable = env as RestorableEnv<Obs, Act, State>;
  checkConfig(cfg);

  // 1. Seeding, and the archive's first cell: the start state.
  const rng = new Generator(cfg.seed);
  env.actionSpace.seed(cfg.seed);
  const [startObservation] = env.reset({ seed: cfg.seed });
  const archive = new Map<string, ArchiveCell<Obs, Act, State>>();
  const startKey = cfg.cellOf(startObservation);
  archive.set(startKey, {
    key: startKey, observation: startObservation, state: restorable.cloneState(), score: 0, actions: [], done: false, timesChosen: 0, timesSeen: 0, foundAtStep: 0,
  });
  let best = archive.get(startKey)!;
  let bestScoreStep = 0;
  const growth = { steps: [] as number[], cells: [] as number[] };

  let envSteps = 0;
  let iterations = 0;
  while (envSteps < cfg.totalTimesteps) {
    // 2. Select a cell with probability ∝ its weight (cells whose episode ended cannot be explored from).
    const candidates = [...archive.values()].filter((cell) => !cell.done);
    if (candidates.length === 0) break;
    const chosen = candidates[rng.categorical(candidates.map(cellWeight))]!;
    chosen.timesChosen++;

    // 3. Go: return to the cell by restoring its state (no environment steps).
    restorable.restoreState(chosen.state);
    let score = chosen.score;
    const actions = [...chosen.actions];

    // 4. Explore: random actions, repeating the previous one with probability repeatActionProbability.
    let previous: Act | undefined;
    const seen = new Set<string>();
    for (let k = 0; k < cfg.exploreSteps && envSteps < cfg.totalTimesteps; k++) {
      const action = previous !== undefined && rng.random() < cfg.repeatActionProbability ? previous : env.actionSpace.sample();
      previous = action;
      const [observation, reward, terminated, truncated] = env.step(action);
      envSteps++;
      score += reward;
      actions.push(action);

      // 5. Update the archive: a new cell, or a better way into a known one (higher score, or equal score and shorter).
      const key = cfg.cellOf(observation);
      const known = archive.get(key);
      if (known === undefined || score > known.score || (score === known.score && actions.length < known.actions.length)) {
        const entry: ArchiveCell<Obs, Act, State> = {
          key, observation, state: restorable.cloneState(), score, actions: [...actions], done: terminated || truncated,
          timesChosen: known?.timesChosen ?? 0, timesSeen: known?.timesSeen ?? 0, foundAtStep: known?.foundAtStep ?? envSteps,
        };
        archive.set(key, entry);
        if (score > best.score) bestScoreStep = envSteps;
        if (score > best.score || (score === best.score && actions.length < best.actions.length)) best = entry;
      }
      if (!seen.has(key)) {
        seen.add(key);
        archive.get(key)!.timesSeen++;
      }
      if (terminated || truncated) break;
    }
    iterations++;
    growth.steps.push(envSteps);
    growth.cells.push(archive.size);
  }
  return { archive, best, cellsFound: archive.size, bestScoreStep, growth, iterations, envSteps, seconds: (performance.now() - begin) / 1000 };
}

/**
 * Plays `actions` from `env.reset({ seed })` and returns the return, the number of steps played and whether
 * the episode terminated: the check that a Go-Explore trajectory really solves the environment.
 */
export function replayTrajectory<Obs, Act>(env: Env<Obs, Act>, actions: readonly Act[], seed = 0): { return: number; steps: number; terminated: boolean; truncated: boolean } {
  env.reset({ seed });
  let total = 0;
  for (let t = 0; t < actions.length; t++) {
    const [, reward, terminated, truncated] = env.step(actions[t]!);
    total += reward;
    if (terminated || truncated) return { return: total, steps: t + 1, terminated, truncated };
  }
  return { return: total, steps: actions.length, terminated: false, truncated: false };
}
