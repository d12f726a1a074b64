// Kuhn poker, exact best responses over the game tree, and CFR / CFR+ / external-sampling MCCFR.

import { describe, expect, it } from "vitest";
import { KuhnPoker, type KuhnState } from "../../src/games/KuhnPoker.js";
import { CHANCE, informationSets, uniformPolicy, type Policy } from "../../src/games/ExtensiveFormGame.js";
import { expectedReturns, treeBestResponse, treeExploitability, treeNashConv } from "../../src/games/treeBestResponse.js";
import { cfr } from "../../src/games/cfr.js";

const game = new KuhnPoker();
const GAME_VALUE = -1 / 18; // player 0's value in every equilibrium (Kuhn 1950)

/**
 * Kuhn's one-parameter family of equilibria (Kuhn 1950; https://en.wikipedia.org/wiki/Kuhn_poker):
 * player 0 bets J with α ∈ [0, 1/3], never bets Q, bets K with 3α; after check–bet folds J, calls Q
 * with α + 1/3, calls K. Player 1 bets after a check with K always and J with 1/3, never with Q; facing
 * a bet calls K always, Q with 1/3, never J. Probabilities are [pass, bet].
 */
function kuhnEquilibrium(alpha: number): Policy {
  const bet = (p: number): number[] => [1 - p, p];
  return {
    J: bet(alpha), Q: bet(0), K: bet(3 * alpha),
    Jpb: bet(0), Qpb: bet(alpha + 1 / 3), Kpb: bet(1),
    Jp: bet(1 / 3), Qp: bet(0), Kp: bet(1),
    Jb: bet(0), Qb: bet(1 / 3), Kb: bet(1),
  };
}

/** P(bet or call) at an information set. */
const betProb = (policy: Policy, key: string): number => policy[key]![1]!;

describe("KuhnPoker", () => {
  it("deals two cards by chance, then alternates players, with 12 information sets", () => {
    const root = game.initialState();
    expect(game.currentPlayer(root)).toBe(CHANCE);
    expect(game.chanceOutcomes(root)).toEqual([[0, 1 / 3], [1, 1 / 3], [2, 1 / 3]]);
    const dealt = game.nextState(game.nextState(root, 2), 0); // player 0: K, player 1: J
    expect(game.currentPlayer(dealt)).toBe(0);
    expect(game.infoSetKey(dealt)).toBe("K");
    const afterCheck = game.nextState(dealt, 0);
    expect(game.currentPlayer(afterCheck)).toBe(1);
    expect(game.infoSetKey(afterCheck)).toBe("Jp");
    const sets = informationSets(game);
    expect([...sets.keys()].sort()).toEqual(["J", "Jb", "Jp", "Jpb", "K", "Kb", "Kp", "Kpb", "Q", "Qb", "Qp", "Qpb"]);
    expect(sets.get("Qpb")!.player).toBe(0);
  });

  it("pays the ante on a showdown or fold and ante + bet on a called bet", () => {
    const deal = (c0: number, c1: number, history: string): KuhnState => ({ cards: [c0, c1], history });
    expect(game.returns(deal(2, 0, "pp"))).toEqual([1, -1]);
    expect(game.returns(deal(0, 2, "pp"))).toEqual([-1, 1]);
    expect(game.returns(deal(0, 2, "bp"))).toEqual([1, -1]); // player 1 folds the king
    expect(game.returns(deal(2, 0, "pbp"))).toEqual([-1, 1]); // player 0 folds the king
    expect(game.returns(deal(1, 0, "bb"))).toEqual([2, -2]);
    expect(game.returns(deal(1, 2, "pbb"))).toEqual([-2, 2]);
    expect(() => game.returns(deal(1, 2, "pb"))).toThrow(/not terminal/);
    expect(() => game.nextState(deal(1, 2, "bb"), 0)).toThrow(/hand is over/);
    expect(() => game.nextState(deal(1, 2, ""), 2)).toThrow(/0 \(pass\) or 1 \(bet\), got 2/);
    expect(() => game.nextState({ cards: [1], history: "" }, 1)).toThrow(/card 1 cannot be dealt/);
  });
});

describe("exact best response and exploitability on Kuhn poker", () => {
  it("every member of Kuhn's equilibrium family has exploitability 0 and value −1/18", () => {
    for (const alpha of [0, 1 / 6, 1 / 3]) {
      const policy = kuhnEquilibrium(alpha);
      expect(treeExploitability(game, policy)).toBeCloseTo(0, 12);
      expect(treeNashConv(game, policy)).toBeCloseTo(0, 12);
      const [v0, v1] = expectedReturns(game, policy);
      expect(v0).toBeCloseTo(GAME_VALUE, 12);
      expect(v1).toBeCloseTo(-GAME_VALUE, 12);
    }
  });

  it("the always-pass policy is exploitable by 1 per player: bet every hand and the other folds", () => {
    // Worked by hand: against a player who checks and folds, betting always wins the ante (+1).
    // OpenSpiel reports exploitability 1.0 for this policy, i.e. half of our sum.
    const alwaysPass: Policy = {};
    for (const key of informationSets(game).keys()) alwaysPass[key] = [1, 0];
    expect(treeBestResponse(game, alwaysPass, 0).value).toBeCloseTo(1, 12);
    expect(treeBestResponse(game, alwaysPass, 1).value).toBeCloseTo(1, 12);
    expect(treeExploitability(game, alwaysPass)).toBeCloseTo(2, 12);
  });

  it("the uniform policy: best responses earn 1/2 and 5/12, exploitability 11/12", () => {
    // Worked by hand (card by card, as in the comment of kuhnEquilibrium): player 0's best response
    // earns −1/2, 1/2, 3/2 with J, Q, K; player 1's earns −3/4, 1/4, 7/4. OpenSpiel's exploitability of
    // the uniform policy, 0.458333 = 11/24, is half of our sum.
    const uniform = uniformPolicy(game);
    const br0 = treeBestResponse(game, uniform, 0);
    const br1 = treeBestResponse(game, uniform, 1);
    expect(br0.value).toBeCloseTo(1 / 2, 12);
    expect(br1.value).toBeCloseTo(5 / 12, 12);
    expect(treeExploitability(game, uniform)).toBeCloseTo(11 / 12, 12);
    // The best responses are pure; e.g. player 0 bets the jack (−1/2 beats checking's −1).
    expect(br0.policy.J).toEqual([0, 1]);
    expect(br1.policy.Kp).toEqual([0, 1]);
  });

  it("names the missing information set when a policy is incomplete", () => {
    const partial = kuhnEquilibrium(0);
    delete partial.Qb;
    expect(() => treeExploitability(game, partial)).toThrow(/no entry for information set "Qb"/);
  });
});

describe("CFR on Kuhn poker", () => {
  /** Checks Kuhn's family relations (see kuhnEquilibrium) to `tol` and returns the fitted α. */
  function expectInKuhnFamily(policy: Policy, tol: number): number {
    const alpha = betProb(policy, "J");
    expect(alpha).toBeGreaterThanOrEqual(-tol);
    expect(alpha).toBeLessThanOrEqual(1 / 3 + tol);
    expect(Math.abs(betProb(policy, "K") - 3 * alpha)).toBeLessThan(tol);
    expect(Math.abs(betProb(policy, "Qpb") - (alpha + 1 / 3))).toBeLessThan(tol);
    expect(betProb(policy, "Q")).toBeLessThan(tol);
    expect(betProb(policy, "Jpb")).toBeLessThan(tol);
    expect(betProb(policy, "Kpb")).toBeGreaterThan(1 - tol);
    expect(Math.abs(betProb(policy, "Jp") - 1 / 3)).toBeLessThan(tol);
    expect(betProb(policy, "Qp")).toBeLessThan(tol);
    expect(betProb(policy, "Kp")).toBeGreaterThan(1 - tol);
    expect(betProb(policy, "Jb")).toBeLessThan(tol);
    expect(Math.abs(betProb(policy, "Qb") - 1 / 3)).toBeLessThan(tol);
    expect(betProb(policy, "Kb")).toBeGreaterThan(1 - tol);
    return alpha;
  }

  it("vanilla CFR reaches exploitability < 1e-3 and value within 1e-3 of −1/18, inside Kuhn's family", () => {
    const result = cfr(game, { iterations: 4000, evaluateEvery: 1000 });
    expect(result.exploitability).toBeLessThan(1e-3);
    expect(Math.abs(result.value - GAME_VALUE)).toBeLessThan(1e-3);
    // Exploitability is measured independently of CFR's own bookkeeping.
    expect(treeExploitability(game, result.averageStrategy)).toBe(result.exploitability);
    expect(result.history.iterations).toEqual([1000, 2000, 3000, 4000]);
    expect(result.history.exploitability[3]!).toBeLessThan(result.history.exploitability[0]!);
    // 1% slack on each probability: an ε-equilibrium need not be on the family exactly.
    expectInKuhnFamily(result.averageStrategy, 0.01);
  });

  it("simultaneous updates (Zinkevich et al.'s original scheme) converge as well", () => {
    const result = cfr(game, { iterations: 10000, updates: "simultaneous", evaluateEvery: 1000 });
    expect(result.history.exploitability[9]!).toBeLessThan(result.history.exploitability[0]! / 2);
    expect(result.exploitability).toBeLessThan(1e-2);
    expect(Math.abs(result.value - GAME_VALUE)).toBeLessThan(1e-3);
  });

  it("CFR+ reaches exploitability < 1e-3 within 300 iterations", () => {
    const result = cfr(game, { iterations: 300, variant: "cfr+" });
    expect(result.exploitability).toBeLessThan(1e-3);
    expect(Math.abs(result.value - GAME_VALUE)).toBeLessThan(1e-3);
    expectInKuhnFamily(result.averageStrategy, 0.01);
  });

  it("external-sampling MCCFR reaches exploitability < 0.01 in 100k iterations for several seeds", () => {
    // 0.01 chips per hand for both best responders together, 1/2% of the 2-chip pot. Monte-Carlo
    // noise makes the curve ragged, so three seeds guard against a lucky one.
    for (const seed of [1, 2, 3]) {
      const result = cfr(game, { iterations: 100_000, sampling: "external", seed });
      expect(result.exploitability, `seed ${seed}`).toBeLessThan(0.01);
      expect(Math.abs(result.value - GAME_VALUE), `seed ${seed}`).toBeLessThan(5e-3);
    }
  });

  it("MCCFR is reproducible for a seed and differs across seeds", () => {
    const a = cfr(game, { iterations: 500, sampling: "external", seed: 5 });
    const b = cfr(game, { iterations: 500, sampling: "external", seed: 5 });
    const c = cfr(game, { iterations: 500, sampling: "external", seed: 6 });
    expect(a.averageStrategy).toEqual(b.averageStrategy);
    expect(a.averageStrategy).not.toEqual(c.averageStrategy);
  });

  it("MCCFR after a few iterations: information sets it never sampled play uniformly, so the average strategy covers all 12", () => {
    // One external-sampling iteration deals one hand per traversal, so most information sets are unvisited;
    // the evaluation of the average strategy must not fail on them (it did: "no entry for information set").
    for (const iterations of [1, 2, 5, 10]) {
      const result = cfr(game, { iterations, sampling: "external", seed: 0, evaluateEvery: 1 });
      expect(Object.keys(result.averageStrategy).sort(), `${iterations}`).toEqual([...informationSets(game).keys()].sort());
      expect(Object.keys(result.currentStrategy).sort(), `${iterations}`).toEqual([...informationSets(game).keys()].sort());
      expect(result.history.iterations).toHaveLength(iterations);
      expect(Number.isFinite(result.exploitability)).toBe(true);
    }
    const one = cfr(game, { iterations: 1, sampling: "external", seed: 0 });
    const unvisited = Object.entries(one.averageStrategy).filter(([, p]) => p[0] === 0.5 && p[1] === 0.5);
    expect(unvisited.length).toBeGreaterThan(0);
  });

  it("validates its options", () => {
    expect(() => cfr(game, { iterations: 0 })).toThrow(/positive integer/);
    expect(() => cfr(game, { iterations: 10, variant: "cfr+", sampling: "external" })).toThrow(/cfr\+/);
  });
});
