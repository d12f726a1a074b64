// Experiment: CartPole-v1 imitation of a PPO expert: behaviour cloning and DAgger at doubling label budgets (labels each needs to reach the expert's return), and GAIL.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { linePlot } from "../plot/svg.js";
import { savePlot } from "../plot/savePlot.js";
import { make } from "../rl/registry.js";
import type { Env } from "../rl/Env.js";
import { evaluatePolicy } from "../rl/evaluate.js";
import { trainPPO } from "../rl/agents/PPO.js";
import { meanStd } from "../rl/agents/common.js";
import { trainBC } from "../rl/imitation/BC.js";
import { trainDAgger } from "../rl/imitation/DAgger.js";
import { trainGAIL } from "../rl/imitation/GAIL.js";
import type { ExpertPolicy } from "../rl/imitation/common.js";
import { config as ppoConfig } from "./cartpole-ppo.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";
import { givenOptions } from "./rlRun.js";

const { seeds: _ppoSeeds, target: _ppoTarget, ...expertPPO } = ppoConfig;

export const config = {
  /** The expert: cartpole-ppo's PPO (rl-baselines3-zoo settings), trained once with seed --seed. */
  expertTimesteps: 100_000,
  /** Label budgets 25, 50, 100, … up to this; BC and DAgger are trained from scratch at each. */
  maxLabels: 3200,
  /** Learner seeds --seed, --seed + 1, … (the expert is the same for all). */
  seeds: 3,
  /** A learner reaches the expert when its evaluation return is ≥ this fraction of the expert's. */
  reachFraction: 0.95,
  /** The budget at which `bcReturn` / `daggerReturn` compare the two. */
  compareLabels: 400,
  /** Learner policy (BC, DAgger): 64-64 tanh, Adam 1e-3, minibatch 64. */
  hidden: [64, 64],
  learningRate: 1e-3,
  batchSize: 64,
  /** BC: Adam steps on its demonstrations. */
  bcSteps: 2000,
  /** DAgger: a 50-step expert demonstration, then learner episodes; 300 Adam steps after each round. */
  daggerInitialLabels: 50,
  daggerStepsPerRound: 300,
  /** DAgger's second variant: the expert labels only every 5th state of the learner's episodes. */
  daggerSparseLabelEvery: 5,
  /** GAIL: 1,000 expert labels, PPO (the expert's settings) for this many steps, reward −log(1 − D). */
  gailLabels: 1000,
  gailTimesteps: 50_000,
  evalEpisodes: 10,
};

type Config = typeof config;

/** The smallest budget at which every seed's evaluation return is ≥ `bar`, or -1 when no budget reaches it on every seed. */
function labelsToReach(budgets: number[], returnsBySeed: number[][], bar: number): number {
  const index = budgets.findIndex((_, b) => returnsBySeed.every((seedReturns) => seedReturns[b]! >= bar));
  return index < 0 ? -1 : budgets[index]!;
}

/**
 * Trains the PPO expert, then BC, DAgger (every state labelled, as the paper) and DAgger labelling every
 * `daggerSparseLabelEvery`-th state at each label budget for each seed, and GAIL per seed. Writes
 * curves.json, labels.svg (evaluation return against expert labels) and gail.svg (GAIL's training returns).
 */
export function runCartpoleImitation(opts: ExperimentOptions, budget: Partial<Config> = {}): ExperimentResult {
  const cfg: Config = { ...config, ...budget };
  const start = performance.now();
  const makeEnv = () => make("CartPole-v1") as Env<number[], number>;

  // 1. The expert: PPO on the true reward, its greedy policy.
  const ppo = trainPPO(makeEnv, { ...expertPPO, totalTimesteps: cfg.expertTimesteps, seed: opts.seed, evalEpisodes: cfg.evalEpisodes }, opts.log);
  const expert: ExpertPolicy = (o) => ppo.actor.actDeterministic(o) as number;
  const expertEval = evaluatePolicy(makeEnv(), expert, { episodes: cfg.evalEpisodes, seed: opts.seed + 100_000 });
  const bar = cfg.reachFraction * expertEval.mean;
  opts.log(`expert (PPO, ${ppo.envSteps} steps): evaluation return ${expertEval.mean.toFixed(1)} ± ${expertEval.std.toFixed(1)}; reaching it means ≥ ${bar.toFixed(1)}`);

  // 2. BC and DAgger at each label budget, from scratch, for each seed.
  const budgets: number[] = [];
  for (let labels = 25; labels <= cfg.maxLabels; labels *= 2) budgets.push(labels);
  const learner = { hidden: cfg.hidden, activation: "tanh" as const, learningRate: cfg.learningRate, batchSize: cfg.batchSize, evalEpisodes: cfg.evalEpisodes };
  const methods = {
    bc: (labels: number, seed: number) => trainBC(makeEnv, expert, { ...learner, labels, steps: cfg.bcSteps, seed }),
    dagger: (labels: number, seed: number) => trainDAgger(makeEnv, expert, { ...learner, labels, initialLabels: cfg.daggerInitialLabels, stepsPerRound: cfg.daggerStepsPerRound, seed }),
    daggerSparse: (labels: number, seed: number) =>
      trainDAgger(makeEnv, expert, { ...learner, labels, initialLabels: cfg.daggerInitialLabels, stepsPerRound: cfg.daggerStepsPerRound, labelEvery: cfg.daggerSparseLabelEvery, seed }),
  };
  type Method = keyof typeof methods;
  const seeds = Array.from({ length: cfg.seeds }, (_, k) => opts.seed + k);
  // returns[method][seed index][budget index]: the evaluation mean; stds likewise.
  const returns = {} as Record<Method, number[][]>;
  const stds = {} as Record<Method, number[][]>;
  for (const method of Object.keys(methods) as Method[]) {
    returns[method] = seeds.map(() => []);
    stds[method] = seeds.map(() => []);
    seeds.forEach((seed, s) => {
      for (const labels of budgets) {
        const run = methods[method](labels, seed);
        returns[method][s]!.push(run.evaluation.mean);
        stds[method][s]!.push(run.evaluation.std);
      }
      opts.log(`${method} seed ${seed}: evaluation returns at ${budgets.join("/")} labels: ${returns[method][s]!.map((r) => r.toFixed(0)).join("/")}`);
    });
  }
  const meanOverSeeds = (m: Method, b: number) => meanStd(returns[m].map((r) => r[b]!)).mean;
  const compareIndex = Math.max(0, budgets.filter((b) => b <= cfg.compareLabels).length - 1);
  const atCompare = (m: Method) => ({ mean: meanOverSeeds(m, compareIndex), std: meanStd(stds[m].map((r) => r[compareIndex]!)).mean });

  // 3. GAIL per seed: PPO on the discriminator's reward.
  const gail = seeds.map((seed) => {
    const run = trainGAIL(makeEnv, expert, { ppo: { ...expertPPO, totalTimesteps: cfg.gailTimesteps }, labels: cfg.gailLabels, seed, evalEpisodes: cfg.evalEpisodes });
    opts.log(`gail seed ${seed}: evaluation return ${run.evaluation.mean.toFixed(1)} ± ${run.evaluation.std.toFixed(1)} with ${run.labels} labels (${run.seconds.toFixed(1)} s)`);
    return run;
  });

  // 4. Files: every number, the label plot and GAIL's training curves.
  writeFileSync(
    join(opts.outDir, "curves.json"),
    JSON.stringify({ budgets, seeds, expert: { returns: expertEval.returns, steps: ppo.curve.steps, trainingReturns: ppo.curve.returns }, returns, stds, gail: gail.map((g) => ({ steps: g.curve.steps, returns: g.curve.returns, discriminatorLosses: g.discriminatorLosses })) }) + "\n",
  );
  const x = budgets.map((b) => Math.log2(b));
  const names: Record<Method, string> = { bc: "behaviour cloning", dagger: "DAgger (every state labelled)", daggerSparse: `DAgger (every ${cfg.daggerSparseLabelEvery}th state)` };
  savePlot(
    join(opts.outDir, "labels.svg"),
    linePlot({
      title: `cartpole-imitation: evaluation return against expert labels (mean of ${cfg.seeds} seeds)`,
      xLabel: "log2(expert labels)",
      yLabel: "return",
      series: [
        ...(Object.keys(methods) as Method[]).map((m) => ({ name: names[m], x, y: budgets.map((_, b) => meanOverSeeds(m, b)) })),
        { name: "expert (PPO)", x: [x[0]!, x[x.length - 1]!], y: [expertEval.mean, expertEval.mean], dashed: true },
      ],
    }),
  );
  savePlot(
    join(opts.outDir, "gail.svg"),
    linePlot({
      title: "cartpole-imitation: GAIL's training episode returns (true reward)",
      xLabel: "environment steps",
      yLabel: "return",
      series: gail.map((g, s) => ({ name: `seed ${seeds[s]}`, x: g.curve.steps, y: g.curve.returns })),
    }),
  );

  const bc = atCompare("bc");
  const dagger = atCompare("dagger");
  const gailStats = meanStd(gail.map((g) => g.evaluation.mean));
  return {
    expertReturn: expertEval.mean,
    expertReturnStd: expertEval.std,
    reachReturn: bar,
    labelBudgets: budgets,
    bcLabels: labelsToReach(budgets, returns.bc, bar),
    daggerLabels: labelsToReach(budgets, returns.dagger, bar),
    daggerSparseLabels: labelsToReach(budgets, returns.daggerSparse, bar),
    compareLabels: budgets[compareIndex]!,
    bcReturn: bc.mean,
    bcReturnStd: bc.std,
    daggerReturn: dagger.mean,
    daggerReturnStd: dagger.std,
    daggerSparseReturn: atCompare("daggerSparse").mean,
    bcReturnByBudget: budgets.map((_, b) => meanOverSeeds("bc", b)),
    daggerReturnByBudget: budgets.map((_, b) => meanOverSeeds("dagger", b)),
    daggerSparseReturnByBudget: budgets.map((_, b) => meanOverSeeds("daggerSparse", b)),
    gailReturn: gailStats.mean,
    gailReturnStd: meanStd(gail.map((g) => g.evaluation.std)).mean,
    gailReturnPerSeed: gail.map((g) => g.evaluation.mean),
    gailLabels: cfg.gailLabels,
    gailEnvSteps: gail[0]!.envSteps,
    // The main method: DAgger at the comparison budget.
    evalReturnMean: dagger.mean,
    evalReturnStd: dagger.std,
    envSteps: ppo.envSteps,
    seeds,
    seconds: (performance.now() - start) / 1000,
  };
}

export const experiment: Experiment = {
  name: "cartpole-imitation",
  description: "CartPole-v1 imitation of a PPO expert: behaviour cloning and DAgger at doubling label budgets (labels each needs to reach the expert's return), and GAIL",
  chapter: "deep RL",
  options: {
    expertTimesteps: { description: "environment steps of the PPO expert's training", default: config.expertTimesteps },
    maxLabels: { description: "largest label budget (budgets 25, 50, 100, … up to it)", default: config.maxLabels },
    seeds: { description: "learner seeds (--seed, --seed + 1, …); one expert for all", default: config.seeds },
    gailTimesteps: { description: "environment steps of each GAIL run", default: config.gailTimesteps },
    bcSteps: { description: "Adam steps of each behaviour-cloning fit", default: config.bcSteps },
    daggerStepsPerRound: { description: "Adam steps after each DAgger round", default: config.daggerStepsPerRound },
    evalEpisodes: { description: "greedy evaluation episodes of the expert and of every learner", default: config.evalEpisodes },
  },
  quick: { expertTimesteps: 256, maxLabels: 25, seeds: 1, gailTimesteps: 256, evalEpisodes: 1, bcSteps: 10, daggerStepsPerRound: 5 },
  config,
  run: (opts) => runCartpoleImitation(opts, givenOptions(opts.params, ["expertTimesteps", "maxLabels", "seeds", "gailTimesteps", "evalEpisodes", "bcSteps", "daggerStepsPerRound"])),
};
