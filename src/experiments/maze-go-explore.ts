// Experiment: Maze-v0 (21 × 21, one +1 reward 120 steps from the start): Go-Explore finds the goal where ε-greedy DQN does not, on the same 50,000-step budget × 3 seeds.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { make } from "../rl/registry.js";
import { Maze } from "../rl/envs/Maze.js";
import { Wrapper } from "../rl/wrappers.js";
import type { StepResult } from "../rl/Env.js";
import { goExplore, replayTrajectory, type ArchiveCell } from "../rl/agents/GoExplore.js";
import { trainDQN, dqnDefaults } from "../rl/agents/DQN.js";
import { colorAt, escapeXml, linePlot, palette } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { givenOptions } from "./rlRun.js";

/**
 * The budget both agents get, Go-Explore's exploration settings (tuned for a grid maze: the paper's 100 steps
 * with 95 % action repeats spend most steps bumping into walls), and DQN with CleanRL's dqn.py defaults.
 */
export const config = {
  /** Environment steps per agent and seed. */
  totalTimesteps: 50_000,
  seeds: 3,
  /** Go-Explore: random steps after each return, and the probability of repeating the previous action. */
  exploreSteps: 20,
  repeatActionProbability: 0.5,
  /** Go-Explore's cell: the position downscaled to cellSize × cellSize blocks (1 = the position itself). */
  cellSize: 1,
  /** DQN: CleanRL's dqn.py defaults (120-84 ReLU network, ε from 1 to 0.05 over half the budget, learning after 10,000 steps). */
  dqn: {
    ...dqnDefaults,
    learningRate: 2.5e-4,
    bufferSize: 10_000,
    gamma: 0.99,
    targetNetworkFrequency: 500,
    batchSize: 128,
    startE: 1,
    endE: 0.05,
    explorationFraction: 0.5,
    learningStarts: 10_000,
    trainFrequency: 10,
    gradientSteps: 1,
    hidden: [120, 84],
    loss: "mse" as const,
    maxGradNorm: Infinity,
    evalEpisodes: 1,
  },
};

/** Counts the distinct cells an agent's environment visits (DQN's coverage, to compare with Go-Explore's archive). */
class VisitedCells extends Wrapper<number[], number> {
  readonly cells = new Set<string>();
  /** (steps taken, distinct cells) each time a new cell is entered. */
  readonly growth = { steps: [] as number[], cells: [] as number[] };
  private steps = 0;

  override step(action: number): StepResult<number[]> {
    const result = super.step(action);
    this.steps++;
    const key = JSON.stringify(result[0]);
    if (!this.cells.has(key)) {
      this.cells.add(key);
      this.growth.steps.push(this.steps);
      this.growth.cells.push(this.cells.size);
    }
    return result;
  }
}

/**
 * The maze with each archived cell colored by how often exploration entered it (log scale, viridis: dark = rarely), unvisited floor
 * white, walls dark, and the best trajectory drawn as a line from S (dot) to its end (square).
 */
function mazePlot(maze: Maze, archive: Map<string, ArchiveCell<number[], number, unknown>>, path: readonly [number, number][], heading: string): string {
  const cell = 22, left = 10, top = 44;
  const width = left * 2 + maze.cols * cell, height = top + maze.rows * cell + 10;
  const seen = new Map<string, number>();
  for (const entry of archive.values()) seen.set(String(maze.positionOf(entry.observation)), entry.timesSeen);
  const logs = [...seen.values()].map(Math.log1p);
  const minLog = Math.min(...logs), span = Math.max(...logs) - minLog || 1;
  const body: string[] = [];
  for (let r = 0; r < maze.rows; r++) {
    for (let c = 0; c < maze.cols; c++) {
      const times = seen.get(String([r, c]));
      const fill = !maze.isFloor(r, c) ? "#3a3a3a" : times === undefined ? "white" : colorAt("viridis", (Math.log1p(times) - minLog) / span);
      const tip = maze.isFloor(r, c) ? `[${r},${c}] seen ${times ?? 0}` : `[${r},${c}] wall`;
      body.push(`<rect x="${left + c * cell}" y="${top + r * cell}" width="${cell}" height="${cell}" fill="${fill}"><title>${escapeXml(tip)}</title></rect>`);
    }
  }
  const centre = ([r, c]: readonly [number, number]) => `${left + (c + 0.5) * cell},${top + (r + 0.5) * cell}`;
  body.push(`<g class="series" data-name="best trajectory">`);
  body.push(`<polyline fill="none" stroke="${palette[3]}" stroke-width="2.5" stroke-linejoin="round" points="${path.map(centre).join(" ")}"/>`);
  const [sx, sy] = centre(path[0]!).split(",").map(Number) as [number, number];
  const [ex, ey] = centre(path[path.length - 1]!).split(",").map(Number) as [number, number];
  body.push(`<circle cx="${sx}" cy="${sy}" r="5" fill="${palette[3]}" stroke="white"/>`);
  body.push(`<rect x="${ex - 5}" y="${ey - 5}" width="10" height="10" fill="${palette[3]}" stroke="white"/>`);
  body.push(`</g>`);
  const size = Math.min(13, Math.floor(((width - 16) / (heading.length * 0.64)) * 10) / 10);
  body.push(`<text x="${width / 2}" y="26" font-family="sans-serif" font-size="${size}" text-anchor="middle" font-weight="bold">${escapeXml(heading)}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

/** The cells a trajectory passes through, from the start. */
function trajectoryCells(maze: Maze, actions: readonly number[]): [number, number][] {
  const [obs] = maze.reset();
  const cells: [number, number][] = [maze.positionOf(obs)];
  for (const action of actions) cells.push(maze.positionOf(maze.step(action)[0]));
  return cells;
}

type Budget = Partial<Omit<typeof config, "dqn">> & { evalEpisodes?: number };

/**
 * Go-Explore and DQN on Maze-v0 for `seeds` seeds from `opts.seed`, each with `totalTimesteps` environment
 * steps. Go-Explore's best trajectory is replayed on a fresh maze (solved = it reaches the goal); DQN's greedy
 * policy is evaluated after training (solved = evaluation return ≥ 1). Writes maze.svg (the first seed's
 * archive and path), cells.svg (cells found over the steps, both agents) and curves.json.
 */
export function runMazeGoExplore(opts: ExperimentOptions, budget: Budget = {}): ExperimentResult {
  const { seeds, totalTimesteps, exploreSteps, repeatActionProbability, cellSize, dqn } = { ...config, ...budget };
  const dqnConfig = { ...dqn, totalTimesteps, ...(budget.evalEpisodes === undefined ? {} : { evalEpisodes: budget.evalEpisodes }) };
  const begin = performance.now();
  const maze = make("Maze-v0") as Maze;
  const cellOf = (obs: number[]) => String(maze.positionOf(obs).map((x) => Math.floor(x / cellSize)));
  const runs = [];
  for (let k = 0; k < seeds; k++) {
    const seed = opts.seed + k;
    const explored = goExplore(make("Maze-v0") as Maze, { totalTimesteps, exploreSteps, repeatActionProbability, cellOf, seed });
    const replay = replayTrajectory(make("Maze-v0"), explored.best.actions, seed);
    const solved = replay.terminated && replay.return >= 1;
    opts.log(`maze-go-explore seed ${seed}: Go-Explore found ${explored.cellsFound} cells, ${solved ? `reached the goal after ${explored.bestScoreStep} steps (trajectory of ${replay.steps} steps)` : "did not reach the goal"} (${explored.seconds.toFixed(1)} s)`);

    let visited: VisitedCells | undefined;
    const trained = trainDQN(() => {
      const env = new VisitedCells(make("Maze-v0") as Maze);
      visited ??= env; // the first environment is the training one; the second, the evaluation's
      return env;
    }, { ...dqnConfig, seed }, opts.log);
    const goalEpisodes = trained.curve.returns.filter((r) => r > 0).length;
    const dqnSolved = trained.evaluation.mean >= 1;
    opts.log(`maze-go-explore seed ${seed}: DQN visited ${visited!.cells.size} cells, reached the goal in ${goalEpisodes} of ${trained.curve.returns.length} training episodes, greedy evaluation return ${trained.evaluation.mean} (${trained.seconds.toFixed(1)} s)`);
    runs.push({ seed, explored, replay, solved, trained, dqnSolved, goalEpisodes, dqnCellsVisited: visited!.cells.size, dqnGrowth: visited!.growth });
  }

  const first = runs[0]!;
  savePlot(join(opts.outDir, "maze.svg"), mazePlot(maze, first.explored.archive, trajectoryCells(make("Maze-v0") as Maze, first.explored.best.actions),
    `Go-Explore's archive (log times seen, dark = rarely) and best path, seed ${first.seed}`));
  savePlot(join(opts.outDir, "cells.svg"), linePlot({
    title: "Cells found: Go-Explore's archive vs the cells DQN visited",
    xLabel: "environment steps",
    yLabel: "cells",
    series: [
      ...runs.map((r, i) => ({ name: `Go-Explore, seed ${r.seed}`, x: r.explored.growth.steps, y: r.explored.growth.cells, color: palette[i % palette.length]! })),
      ...runs.map((r, i) => ({ name: `DQN, seed ${r.seed}`, x: [...r.dqnGrowth.steps, totalTimesteps], y: [...r.dqnGrowth.cells, r.dqnCellsVisited], color: palette[i % palette.length]!, dashed: true })),
    ],
    // Head room above the floor-cell count keeps the legend (top right) off the curves.
    yRange: [0, Math.ceil(1.7 * maze.floorCells())],
  }));
  writeFileSync(join(opts.outDir, "curves.json"), JSON.stringify(runs.map((r) => ({
    seed: r.seed,
    goExplore: { growth: r.explored.growth, bestActions: r.explored.best.actions },
    dqn: { steps: r.trained.curve.steps, returns: r.trained.curve.returns, cells: r.dqnGrowth },
  }))) + "\n");

  const returns = runs.map((r) => r.replay.return);
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  return {
    cellsFound: Math.min(...runs.map((r) => r.explored.cellsFound)),
    cellsFoundPerSeed: runs.map((r) => r.explored.cellsFound),
    solved: runs.every((r) => r.solved),
    solvedSeeds: runs.filter((r) => r.solved).length,
    evalReturnMean: mean,
    evalReturnStd: Math.sqrt(returns.reduce((a, x) => a + (x - mean) ** 2, 0) / returns.length),
    stepsToGoalPerSeed: runs.map((r) => (r.solved ? r.explored.bestScoreStep : -1)),
    trajectoryLengthPerSeed: runs.map((r) => (r.solved ? r.replay.steps : -1)),
    shortestPath: maze.shortestPathLength(),
    floorCells: maze.floorCells(),
    envSteps: totalTimesteps,
    dqnSolved: runs.some((r) => r.dqnSolved),
    dqnSolvedSeeds: runs.filter((r) => r.dqnSolved).length,
    dqnEnvSteps: runs[0]!.trained.envSteps,
    dqnEvalReturnPerSeed: runs.map((r) => r.trained.evaluation.mean),
    dqnGoalEpisodesPerSeed: runs.map((r) => r.goalEpisodes),
    dqnCellsVisitedPerSeed: runs.map((r) => r.dqnCellsVisited),
    goExploreSeconds: runs.reduce((a, r) => a + r.explored.seconds, 0),
    dqnSeconds: runs.reduce((a, r) => a + r.trained.seconds, 0),
    seconds: (performance.now() - begin) / 1000,
  };
}

export const experiment: Experiment = {
  name: "maze-go-explore",
  description: "Maze-v0 (21 × 21, one +1 reward 120 steps from the start): Go-Explore vs ε-greedy DQN on the same 50,000-step budget × 3 seeds (cells found, solved)",
  chapter: "deep RL",
  options: {
    totalTimesteps: { description: "environment steps per agent and seed", default: config.totalTimesteps },
    seeds: { description: "runs of each agent (seeds --seed, --seed + 1, …)", default: config.seeds },
    exploreSteps: { description: "Go-Explore's random steps after each return to a cell", default: config.exploreSteps },
    cellSize: { description: "Go-Explore's cell: the position downscaled to blocks of this many cells per side", default: config.cellSize },
    evalEpisodes: { description: "DQN's greedy evaluation episodes after training", default: config.dqn.evalEpisodes },
  },
  quick: { totalTimesteps: 2000, seeds: 1 },
  config,
  run: (opts) => runMazeGoExplore(opts, givenOptions(opts.params, ["totalTimesteps", "seeds", "exploreSteps", "cellSize", "evalEpisodes"])),
};
