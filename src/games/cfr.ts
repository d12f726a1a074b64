// Counterfactual regret minimization: vanilla CFR, CFR+ and Monte-Carlo CFR with external sampling.

import { Generator } from "../random/Generator.js";
import { CHANCE, type ExtensiveFormGame, type Policy, uniformPolicy } from "./ExtensiveFormGame.js";
import { regretMatchingPolicy } from "./regretMatching.js";
import { expectedReturns, treeExploitability } from "./treeBestResponse.js";

/**
 * Options of {@link cfr}: the number of iterations, full traversals or external sampling, the CFR or CFR+
 * variant, simultaneous or alternating updates, the sampler's seed and how often to record exploitability.
 */
export interface CFROptions {
  /** Number of iterations (each updates every player once). */
  iterations: number;
  /**
   * "none": full-tree traversals (Zinkevich et al. 2007). "external": Monte-Carlo CFR with external
   * sampling — sample chance and opponent actions, enumerate the traverser's own (Lanctot et al. 2009).
   * Default "none".
   */
  sampling?: "none" | "external";
  /**
   * Only for sampling "none". "cfr": regret matching and uniform averaging, as in Zinkevich et al.
   * "cfr+": regret matching+ (regrets floored at 0), alternating updates, averaging
   * weighted by iteration t (Tammelin 2014, "Solving Large Imperfect Information Games Using CFR+").
   * Default "cfr".
   */
  variant?: "cfr" | "cfr+";
  /**
   * Only for variant "cfr" without sampling. "simultaneous": both players update on one traversal
   * (Zinkevich et al.). "alternating": player 0's pass, then player 1's against player 0's updated
   * strategy — same guarantees, faster in practice (Burch, Moravčík & Schmid 2019, "Revisiting CFR+
   * and Alternating Updates"; OpenSpiel's default). Default "alternating". CFR+ always alternates.
   */
  updates?: "simultaneous" | "alternating";
  /** Seed of the sampler (external sampling only). Default 0. */
  seed?: number;
  /** Record exploitability and value of the average strategy every this many iterations; 0 = only at the end. Default 0. */
  evaluateEvery?: number;
}

/**
 * What {@link cfr} returns: the average strategy (which converges to equilibrium), the last iterate's
 * strategy, the average strategy's value and exploitability, and their recorded history.
 */
export interface CFRResult {
  /** Average strategy of every information set (uniform where a sampled run never reached it): the output that converges to equilibrium. */
  averageStrategy: Policy;
  /** The last iterate's regret-matching strategy (does not converge in general). */
  currentStrategy: Policy;
  /** Player 0's expected utility when both play `averageStrategy`. */
  value: number;
  /** `treeExploitability` of `averageStrategy` (sum of both best-response values). */
  exploitability: number;
  /** Iterations at which the average strategy was evaluated, with its exploitability and value. */
  history: { iterations: number[]; exploitability: number[]; value: number[] };
}

/** Per information set: cumulative regrets, cumulative (reach-weighted) strategy and the current strategy. */
interface InfoSetNode {
  player: number;
  actions: number[];
  regretSum: number[];
  strategySum: number[];
  /** σ of the pass with number `stamp`; fixed for one traversal even if the set is visited again. */
  strategy: number[];
  stamp: number;
}

/**
 * Counterfactual regret minimization for two-player zero-sum extensive-form games with perfect recall.
 *
 * Each information set I runs regret matching on its counterfactual regrets
 *   R_T(I, a) = Σ_t π_{−i}^{σ_t}(I) · (v_i(σ_t|I→a) − v_i(σ_t, I)),
 * and the reach-weighted average of the strategies, σ̄_T(I)(a) ∝ Σ_t π_i^{σ_t}(I) σ_t(I)(a), is a
 * 2ε-Nash equilibrium with ε = O(|I|·Δ·√|A| / √T) (Zinkevich, Johanson, Bowling & Piccione,
 * "Regret Minimization in Games with Incomplete Information", NeurIPS 2007).
 *
 * External-sampling MCCFR (Lanctot, Waugh, Zinkevich & Bowling, "Monte Carlo Sampling for Regret
 * Minimization in Extensive Games", NeurIPS 2009) walks one sampled branch at chance and opponent nodes
 * and all branches at the traverser's nodes; the sampled regret v(I·a) − v(I) is an unbiased estimate
 * of the counterfactual regret up to a factor constant per information set. The opponent's average
 * strategy is accumulated at the nodes where its actions are sampled.
 */
export function cfr<S>(game: ExtensiveFormGame<S>, options: CFROptions): CFRResult {
  const { iterations } = options;
  const sampling = options.sampling ?? "none";
  const variant = options.variant ?? "cfr";
  const evaluateEvery = options.evaluateEvery ?? 0;
  const updates = options.updates ?? "alternating";
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`cfr: iterations must be a positive integer, got ${iterations}`);
  if (sampling !== "none" && sampling !== "external") throw new Error(`cfr: sampling must be "none" or "external", got "${String(sampling)}"`);
  if (variant !== "cfr" && variant !== "cfr+") throw new Error(`cfr: variant must be "cfr" or "cfr+", got "${String(variant)}"`);
  if (variant === "cfr+" && sampling !== "none") throw new Error('cfr: variant "cfr+" is implemented for sampling "none" only');
  if (updates !== "simultaneous" && updates !== "alternating") throw new Error(`cfr: updates must be "simultaneous" or "alternating", got "${String(updates)}"`);
  if (game.numPlayers !== 2) throw new Error(`cfr: needs a two-player zero-sum game, "${game.name}" has ${game.numPlayers} players`);
  const rng = new Generator(options.seed ?? 0);
  const nodes = new Map<string, InfoSetNode>();
  let pass = 0;

  const nodeAt = (state: S, player: number): InfoSetNode => {
    const key = game.infoSetKey(state);
    let node = nodes.get(key);
    if (!node) {
      const actions = game.legalActions(state);
      const n = actions.length;
      node = { player, actions, regretSum: new Array(n).fill(0), strategySum: new Array(n).fill(0), strategy: [], stamp: -1 };
      nodes.set(key, node);
    }
    if (node.stamp !== pass) {
      node.strategy = regretMatchingPolicy(node.regretSum);
      node.stamp = pass;
    }
    return node;
  };

  /**
   * Full-tree CFR pass. `reach` = [π_0, π_1, π_chance]; updates regrets and averages of the players
   * with `update[p]`; returns both players' expected utilities of the subtree under σ_t.
   */
  const walk = (state: S, reach: [number, number, number], update: [boolean, boolean], weight: number): [number, number] => {
    if (game.isTerminal(state)) {
      const r = game.returns(state);
      return [r[0]!, r[1]!];
    }
    const actor = game.currentPlayer(state);
    if (actor === CHANCE) {
      const v: [number, number] = [0, 0];
      for (const [a, p] of game.chanceOutcomes(state)) {
        const child = walk(game.nextState(state, a), [reach[0], reach[1], reach[2] * p], update, weight);
        v[0] += p * child[0];
        v[1] += p * child[1];
      }
      return v;
    }
    const node = nodeAt(state, actor);
    const sigma = node.strategy;
    const childValues: number[] = [];
    const v: [number, number] = [0, 0];
    node.actions.forEach((a, k) => {
      const childReach: [number, number, number] = [reach[0], reach[1], reach[2]];
      childReach[actor] *= sigma[k]!;
      const child = walk(game.nextState(state, a), childReach, update, weight);
      childValues.push(child[actor]!);
      v[0] += sigma[k]! * child[0];
      v[1] += sigma[k]! * child[1];
    });
    if (update[actor]) {
      const counterfactualReach = reach[1 - actor]! * reach[2];
      for (let k = 0; k < node.actions.length; k++) {
        node.regretSum[k]! += counterfactualReach * (childValues[k]! - v[actor]!);
        if (variant === "cfr+") node.regretSum[k] = Math.max(node.regretSum[k]!, 0);
        node.strategySum[k]! += weight * reach[actor]! * sigma[k]!;
      }
    }
    return v;
  };

  /** One external-sampling traversal for `traverser`; returns the traverser's sampled utility. */
  const sample = (state: S, traverser: number): number => {
    if (game.isTerminal(state)) return game.returns(state)[traverser]!;
    const actor = game.currentPlayer(state);
    if (actor === CHANCE) {
      const outcomes = game.chanceOutcomes(state);
      const pick = outcomes[rng.categorical(outcomes.map(([, p]) => p))]![0];
      return sample(game.nextState(state, pick), traverser);
    }
    const node = nodeAt(state, actor);
    const sigma = node.strategy;
    if (actor === traverser) {
      const values = node.actions.map((a) => sample(game.nextState(state, a), traverser));
      const v = values.reduce((s, x, k) => s + sigma[k]! * x, 0);
      for (let k = 0; k < values.length; k++) node.regretSum[k]! += values[k]! - v;
      return v;
    }
    for (let k = 0; k < sigma.length; k++) node.strategySum[k]! += sigma[k]!;
    const k = rng.categorical(sigma);
    return sample(game.nextState(state, node.actions[k]!), traverser);
  };

  const history: CFRResult["history"] = { iterations: [], exploitability: [], value: [] };
  // Information sets a sampled run has not reached yet play uniformly (filled in from one tree walk).
  let uniform: Policy | null = null;
  const complete = (policy: Policy): Policy => ({ ...(uniform ??= uniformPolicy(game)), ...policy });
  const evaluate = (t: number): void => {
    const avg = complete(averagePolicy(nodes));
    history.iterations.push(t);
    history.exploitability.push(treeExploitability(game, avg));
    history.value.push(expectedReturns(game, avg)[0]!);
  };

  const root = game.initialState();
  for (let t = 1; t <= iterations; t++) {
    if (sampling === "external") {
      for (const traverser of [0, 1]) {
        pass++;
        sample(root, traverser);
      }
    } else if (variant === "cfr+" || updates === "alternating") {
      for (const player of [0, 1] as const) {
        pass++;
        walk(root, [1, 1, 1], [player === 0, player === 1], variant === "cfr+" ? t : 1);
      }
    } else {
      pass++;
      walk(root, [1, 1, 1], [true, true], 1);
    }
    if (evaluateEvery > 0 && t % evaluateEvery === 0) evaluate(t);
  }
  if (history.iterations.at(-1) !== iterations) evaluate(iterations);

  const averageStrategy = complete(averagePolicy(nodes));
  const currentStrategy = complete(Object.fromEntries([...nodes].map(([key, node]) => [key, regretMatchingPolicy(node.regretSum)])));
  return {
    averageStrategy,
    currentStrategy,
    value: history.value.at(-1)!,
    exploitability: history.exploitability.at(-1)!,
    history,
  };
}

/** σ̄(I) ∝ strategySum(I), uniform where nothing was accumulated. */
function averagePolicy(nodes: Map<string, InfoSetNode>): Policy {
  const policy: Policy = {};
  for (const [key, node] of nodes) {
    const total = node.strategySum.reduce((s, x) => s + x, 0);
    policy[key] = node.strategySum.map((x) => (total > 0 ? x / total : 1 / node.actions.length));
  }
  return policy;
}
