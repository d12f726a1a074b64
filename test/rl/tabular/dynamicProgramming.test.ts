// Dynamic programming against the tables printed in Sutton & Barto, Reinforcement Learning: An Introduction, 2nd ed. (2018).
import { describe, expect, it } from "vitest";
import { GridWorld4x4 } from "../../../src/rl/envs/toytext/GridWorld4x4.js";
import { GridWorld5x5 } from "../../../src/rl/envs/toytext/GridWorld5x5.js";
import { RecyclingRobot } from "../../../src/rl/envs/toytext/RecyclingRobot.js";
import { qFromV } from "../../../src/rl/tabular/bellman.js";
import { fromEnv, validateMDP } from "../../../src/rl/tabular/fromEnv.js";
import { evaluatePolicyExact, policyEvaluation } from "../../../src/rl/tabular/policyEvaluation.js";
import { policyImprovement, policyIteration } from "../../../src/rl/tabular/policyIteration.js";
import { uniformPolicy } from "../../../src/rl/tabular/policies.js";
import { qValueIteration, valueIteration } from "../../../src/rl/tabular/valueIteration.js";
import { TimeLimit } from "../../../src/rl/wrappers.js";

/** Every value within half a unit of the printed last digit (inclusive: the book prints −1.75 as −1.7). */
function expectMatchesPrinted(actual: number[], printed: number[][], halfUnit: number): void {
  const flat = printed.flat();
  expect(actual.length).toBe(flat.length);
  flat.forEach((p, i) => {
    if (Math.abs(actual[i]! - p) > halfUnit + 1e-9) {
      throw new Error(`state ${i}: computed ${actual[i]!.toFixed(4)}, book prints ${p}`);
    }
  });
}

// Figure 3.2 (right): state-value function of the equiprobable random policy, γ = 0.9.
const FIGURE_3_2 = [
  [3.3, 8.8, 4.4, 5.3, 1.5],
  [1.5, 3.0, 2.3, 1.9, 0.5],
  [0.1, 0.7, 0.7, 0.4, -0.4],
  [-1.0, -0.4, -0.4, -0.6, -1.2],
  [-1.9, -1.3, -1.2, -1.4, -2.0],
];
// Figure 3.5 (middle): v* of the same gridworld, γ = 0.9.
const FIGURE_3_5 = [
  [22.0, 24.4, 22.0, 19.4, 17.5],
  [19.8, 22.0, 19.8, 17.8, 16.0],
  [17.8, 19.8, 17.8, 16.0, 14.4],
  [16.0, 17.8, 16.0, 14.4, 13.0],
  [14.4, 16.0, 14.4, 13.0, 11.7],
];
// Figure 4.1 (left column): V_k of iterative (synchronous) policy evaluation of the random policy, γ = 1.
const FIGURE_4_1: Record<string, number[][]> = {
  "0": [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
  "1": [[0, -1, -1, -1], [-1, -1, -1, -1], [-1, -1, -1, -1], [-1, -1, -1, 0]],
  "2": [[0, -1.7, -2.0, -2.0], [-1.7, -2.0, -2.0, -2.0], [-2.0, -2.0, -2.0, -1.7], [-2.0, -2.0, -1.7, 0]],
  "3": [[0, -2.4, -2.9, -3.0], [-2.4, -2.9, -3.0, -2.9], [-2.9, -3.0, -2.9, -2.4], [-3.0, -2.9, -2.4, 0]],
  "10": [[0, -6.1, -8.4, -9.0], [-6.1, -7.7, -8.4, -8.4], [-8.4, -8.4, -7.7, -6.1], [-9.0, -8.4, -6.1, 0]],
};
const FIGURE_4_1_INFINITY = [[0, -14, -20, -22], [-14, -18, -20, -20], [-20, -20, -18, -14], [-22, -20, -14, 0]];

describe("GridWorld5x5 (Example 3.5)", () => {
  const mdp = fromEnv(new GridWorld5x5());

  it("is a valid model", () => {
    validateMDP(mdp);
  });

  it("v_π of the equiprobable random policy matches Figure 3.2 (γ = 0.9), iteratively and exactly", () => {
    const random = uniformPolicy(25, 4);
    expectMatchesPrinted(policyEvaluation(mdp, random, { gamma: 0.9, theta: 1e-10 }).V, FIGURE_3_2, 0.05);
    expectMatchesPrinted(evaluatePolicyExact(mdp, random, { gamma: 0.9 }), FIGURE_3_2, 0.05);
  });

  it("v* matches Figure 3.5 by value iteration, Q-value iteration and policy iteration", () => {
    expectMatchesPrinted(valueIteration(mdp, { gamma: 0.9 }).V, FIGURE_3_5, 0.05);
    expectMatchesPrinted(qValueIteration(mdp, { gamma: 0.9 }).V, FIGURE_3_5, 0.05);
    expectMatchesPrinted(policyIteration(mdp, { gamma: 0.9 }).V, FIGURE_3_5, 0.05);
    expectMatchesPrinted(policyIteration(mdp, { gamma: 0.9, evaluation: "exact" }).V, FIGURE_3_5, 0.05);
  });

  it("the optimal policy of Figure 3.5 (right): from A every action is optimal; next to A move into it", () => {
    const { policy } = valueIteration(mdp, { gamma: 0.9, ties: "uniform" });
    expect(policy[GridWorld5x5.A]).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(policy[0]).toEqual([0, 1, 0, 0]); // right of (0,0) is A
    expect(policy[2]).toEqual([0, 0, 0, 1]); // left of (0,2) is A
    expect(policy[6]).toEqual([1, 0, 0, 0]); // up from (1,1) is A
    // (4,4): up or left are both optimal in the printed policy.
    expect(policy[24]).toEqual([0.5, 0, 0, 0.5]);
  });

  it("fromEnv sees through wrappers", () => {
    expect(fromEnv(new TimeLimit(new GridWorld5x5(), 10)).nS).toBe(25);
    expect(() => fromEnv({ reset() {}, step() {} })).toThrow(/exposes no tabular model P/);
  });
});

describe("GridWorld4x4 (Example 4.1)", () => {
  const mdp = fromEnv(new GridWorld4x4());
  const random = uniformPolicy(16, 4);

  it("V_k for k = 0, 1, 2, 3, 10 matches Figure 4.1 (two-array sweeps, γ = 1)", () => {
    const seen: Record<string, number[]> = { "0": new Array<number>(16).fill(0) };
    policyEvaluation(mdp, random, { gamma: 1, inPlace: false, maxSweeps: 10, onSweep: (V, k) => (seen[String(k)] = V) });
    for (const k of ["0", "1", "2", "3", "10"]) expectMatchesPrinted(seen[k]!, FIGURE_4_1[k]!, 0.05);
  });

  it("V_∞ matches Figure 4.1 (printed as integers), iteratively in place and by the exact solve", () => {
    expectMatchesPrinted(policyEvaluation(mdp, random, { gamma: 1, theta: 1e-10 }).V, FIGURE_4_1_INFINITY, 0.5);
    const exact = evaluatePolicyExact(mdp, random, { gamma: 1 });
    expectMatchesPrinted(exact, FIGURE_4_1_INFINITY, 0.5);
    // Exercise 4.1: q_π(11, down) = −1 + v(terminal) = −1 and q_π(7, down) = −1 + v_π(11) = −1 − 14 = −15.
    const Q = qFromV(mdp, exact, 1);
    expect(Q[11]![2]).toBeCloseTo(-1, 9);
    expect(Q[7]![2]).toBeCloseTo(-15, 9);
  });

  it("the greedy policy w.r.t. V_∞ is optimal: v* is minus the Manhattan distance to the nearest corner", () => {
    const V = evaluatePolicyExact(mdp, random, { gamma: 1 });
    const greedyPolicy = policyImprovement(mdp, V, { gamma: 1 });
    const vStar = evaluatePolicyExact(mdp, greedyPolicy, { gamma: 1 });
    for (let s = 0; s < 16; s++) {
      const r = Math.floor(s / 4), c = s % 4;
      expect(vStar[s]).toBeCloseTo(-Math.min(r + c, 6 - r - c), 9);
    }
  });

  it("the exact solve reports a policy that never terminates at γ = 1", () => {
    // Always "up" from the top row keeps states 1, 2, 3 in place forever.
    const up = Array.from({ length: 16 }, () => [1, 0, 0, 0]);
    expect(() => evaluatePolicyExact(mdp, up, { gamma: 1 })).toThrow(/singular/);
  });
});

describe("RecyclingRobot (Example 3.3)", () => {
  it("v* satisfies the book's Bellman optimality equations for the robot (Section 3.6)", () => {
    const alpha = 0.7, beta = 0.4, rSearch = 3, rWait = 1, gamma = 0.9;
    const mdp = fromEnv(new RecyclingRobot({ alpha, beta, rSearch, rWait }));
    validateMDP(mdp);
    const [h, l] = valueIteration(mdp, { gamma }).V as [number, number];
    // v*(h) = max{ r_s + γ[α v*(h) + (1−α) v*(l)], r_w + γ v*(h) }
    expect(h).toBeCloseTo(Math.max(rSearch + gamma * (alpha * h + (1 - alpha) * l), rWait + gamma * h), 8);
    // v*(l) = max{ β r_s − 3(1−β) + γ[(1−β) v*(h) + β v*(l)], r_w + γ v*(l), γ v*(h) }
    expect(l).toBeCloseTo(Math.max(beta * rSearch - 3 * (1 - beta) + gamma * ((1 - beta) * h + beta * l), rWait + gamma * l, gamma * h), 8);
  });

  it("rejects probabilities outside [0, 1]", () => {
    expect(() => new RecyclingRobot({ alpha: 1.5 })).toThrow(/alpha must be a probability/);
  });
});
