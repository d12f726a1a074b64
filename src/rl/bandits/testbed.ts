// The k-armed testbed runner: many independent bandit problems × steps → average reward and % optimal per step.

import { Generator } from "../../random/Generator.js";
import { Bandit, type BanditOptions } from "../envs/toytext/Bandit.js";
import type { BanditAgentFactory } from "./BanditAgent.js";
import { checkSeed } from "../seeding.js";

/**
 * Options of {@link runTestbed}: the agents to compare, the number of problems and pulls, the bandit problems
 * and the seed.
 */
export interface TestbedOptions {
  /** The learners to compare, by name. */
  agents: Record<string, BanditAgentFactory>;
  /** Independent bandit problems (default 2000, as in the book). */
  runs?: number;
  /** Pulls per problem (default 1000). */
  steps?: number;
  /** The problems: k, qMean, nonstationary, ... (default: the 10-armed Gaussian testbed). */
  bandit?: BanditOptions;
  /** Seed of everything (default 0). */
  seed?: number;
}

/**
 * One agent's curves from {@link runTestbed}: the average reward and the fraction of optimal actions at each
 * step, over the runs.
 */
export interface TestbedCurve {
  /** Reward at step t, averaged over runs. */
  averageReward: number[];
  /** Fraction of runs whose step-t action was optimal. */
  optimalFraction: number[];
}

/**
 * Sutton & Barto (2nd ed., 2018), Section 2.3 (Figures 2.2–2.6): every agent meets the same `runs`
 * problems and the same per-step reward noise (common random numbers, which sharpen comparisons
 * without biasing any curve); each agent's own choices use its own generator. The per-step reward
 * and optimal-action indicator are averaged over runs.
 */
export function runTestbed(options: TestbedOptions): Record<string, TestbedCurve> {
  const { agents, runs = 2000, steps = 1000, bandit = {}, seed = 0 } = options;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runTestbed: runs must be a positive integer, got ${runs}`);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`runTestbed: steps must be a positive integer, got ${steps}`);
  checkSeed(seed, "runTestbed");
  const result: Record<string, TestbedCurve> = {};
  Object.entries(agents).forEach(([name, factory], agentIndex) => {
    const averageReward = new Array<number>(steps).fill(0);
    const optimalFraction = new Array<number>(steps).fill(0);
    const env = new Bandit(bandit);
    for (let run = 0; run < runs; run++) {
      const agentRng = new Generator(((seed + 1) * 7919 + agentIndex) * 1_000_003 + run);
      // Reset seeds must lie in [0, 2^32 − 1]; the modulus changes nothing for seeds below 4294.
      env.reset({ seed: (seed * 1_000_003 + run) % 2 ** 32 });
      const agent = factory(env.k, agentRng);
      for (let t = 0; t < steps; t++) {
        const action = agent.select();
        const [, reward, , , info] = env.step(action);
        agent.update(action, reward);
        averageReward[t]! += reward / runs;
        if (info["optimal"] === true) optimalFraction[t]! += 1 / runs;
      }
    }
    result[name] = { averageReward, optimalFraction };
  });
  return result;
}
