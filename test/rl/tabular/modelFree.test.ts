// Model-free prediction and control against Sutton & Barto, Reinforcement Learning: An Introduction, 2nd ed. (2018).
import { describe, expect, it } from "vitest";
import type { Env, Info, ResetOptions, StepResult } from "../../../src/rl/Env.js";
import { Generator } from "../../../src/random/Generator.js";
import { Blackjack, blackjackModel, blackjackStateIndex } from "../../../src/rl/envs/toytext/Blackjack.js";
import { CliffWalking } from "../../../src/rl/envs/toytext/CliffWalking.js";
import { GridWorld4x4 } from "../../../src/rl/envs/toytext/GridWorld4x4.js";
import { RandomWalk } from "../../../src/rl/envs/toytext/RandomWalk.js";
import { Discrete } from "../../../src/rl/spaces.js";
import { stateIndexer } from "../../../src/rl/tabular/common.js";
import { doubleQLearning } from "../../../src/rl/tabular/doubleQLearning.js";
import { expectedSarsa } from "../../../src/rl/tabular/expectedSarsa.js";
import { fromEnv } from "../../../src/rl/tabular/fromEnv.js";
import { mcControl } from "../../../src/rl/tabular/mcControl.js";
import { mcPrediction } from "../../../src/rl/tabular/mcPrediction.js";
import { nStepTd } from "../../../src/rl/tabular/nStepTd.js";
import { offPolicyMcControl } from "../../../src/rl/tabular/offPolicyMcControl.js";
import { type Policy, uniformPolicy } from "../../../src/rl/tabular/policies.js";
import { evaluatePolicyExact } from "../../../src/rl/tabular/policyEvaluation.js";
import { qLearning } from "../../../src/rl/tabular/qLearning.js";
import { sarsa } from "../../../src/rl/tabular/sarsa.js";
import { softQLearning } from "../../../src/rl/tabular/softQLearning.js";
import { td0 } from "../../../src/rl/tabular/td0.js";
import { tdLambda } from "../../../src/rl/tabular/tdLambda.js";
import { qValueIteration } from "../../../src/rl/tabular/valueIteration.js";

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("prediction on the random walk (Examples 6.2 and 7.1)", () => {
  const walk = uniformPolicy(7, 2);
  const truth = RandomWalk.trueValues(5); // 0, 1/6, ..., 5/6, 0

  it("first-visit and every-visit MC converge to 1/6..5/6 within 4 standard errors", () => {
    for (const firstVisit of [true, false]) {
      const { V, visits } = mcPrediction(new RandomWalk(), walk, { episodes: 3000, firstVisit, seed: 1 });
      for (let s = 1; s <= 5; s++) {
        // Returns are 0 or 1, so one return has variance v(1 − v) ≤ 1/4.
        expect(Math.abs(V[s]! - truth[s]!)).toBeLessThan(4 * Math.sqrt(truth[s]! * (1 - truth[s]!) / visits[s]!) + 1e-9);
      }
    }
  });

  it("TD(0), n-step TD and TD(λ) approach the true values (mean over 10 runs, α = 0.05)", () => {
    // With constant α each estimate keeps fluctuating with variance ≈ α/2 · Var(target) ≤ 0.0063;
    // averaging 10 runs leaves a standard deviation ≈ 0.025, so 0.08 is over 3 of them.
    const averaged = (run: (seed: number) => number[]): number[] => {
      const sum = new Array<number>(7).fill(0);
      for (let seed = 0; seed < 10; seed++) run(seed).forEach((v, s) => (sum[s]! += v / 10));
      return sum;
    };
    const cfg = { episodes: 300, alpha: 0.05, initialV: 0.5 };
    const estimates = {
      td0: averaged((seed) => td0(new RandomWalk(), walk, { ...cfg, seed }).V),
      nStep4: averaged((seed) => nStepTd(new RandomWalk(), walk, { ...cfg, n: 4, seed }).V),
      lambdaAccumulating: averaged((seed) => tdLambda(new RandomWalk(), walk, { ...cfg, lambda: 0.8, seed }).V),
      lambdaReplacing: averaged((seed) => tdLambda(new RandomWalk(), walk, { ...cfg, lambda: 0.8, traces: "replacing", seed }).V),
    };
    for (const [name, V] of Object.entries(estimates)) {
      for (let s = 1; s <= 5; s++) expect(Math.abs(V[s]! - truth[s]!), `${name} state ${s}`).toBeLessThan(0.08);
    }
  });

  it("n-step TD with n = 1 and TD(λ) with λ = 0 are exactly TD(0) (same seed, same updates)", () => {
    const cfg = { episodes: 50, alpha: 0.1, initialV: 0.5, seed: 4 };
    const reference = td0(new RandomWalk(), walk, cfg).V;
    expect(nStepTd(new RandomWalk(), walk, { ...cfg, n: 1 }).V).toEqual(reference);
    expect(tdLambda(new RandomWalk(), walk, { ...cfg, lambda: 0 }).V).toEqual(reference);
  });

  it("the 19-state walk of Example 7.1 (left reward −1): 8-step TD's estimates, averaged over 10 runs, are within 0.1 of v_π", () => {
    const truth19 = RandomWalk.trueValues(19, -1);
    const averaged = new Array<number>(21).fill(0);
    for (let seed = 0; seed < 10; seed++) {
      const { V } = nStepTd(new RandomWalk({ nStates: 19, leftReward: -1 }), uniformPolicy(21, 2), { episodes: 300, n: 8, alpha: 0.02, seed });
      V.forEach((v, s) => (averaged[s]! += v / 10));
    }
    // 8-step returns are sums of ±1 outcomes: per-run fluctuation ≈ sqrt(α/2)·1 = 0.1, so ≈ 0.03 for the mean.
    for (let s = 1; s <= 19; s++) expect(Math.abs(averaged[s]! - truth19[s]!), `state ${s}`).toBeLessThan(0.1);
  });
});

/** Greedy rollout on the cliff: the path's length and return (capped at 100 steps). */
function greedyRollout(policy: Policy): { length: number; ret: number; cells: number[] } {
  const env = new CliffWalking();
  let [s] = env.reset();
  const cells: number[] = [];
  let ret = 0;
  for (let t = 0; t < 100; t++) {
    const [next, reward, terminated] = env.step(policy[s]!.indexOf(1));
    ret += reward;
    cells.push(next);
    s = next;
    if (terminated) break;
  }
  return { length: cells.length, ret, cells };
}

describe("cliff walking (Example 6.6, Figure 6.4): SARSA vs Q-learning, ε = 0.1, α = 0.5, 500 episodes", () => {
  const seeds = Array.from({ length: 10 }, (_, i) => i);
  const runs = {
    sarsa: seeds.map((seed) => sarsa(new CliffWalking(), { episodes: 500, alpha: 0.5, epsilon: 0.1, seed })),
    qLearning: seeds.map((seed) => qLearning(new CliffWalking(), { episodes: 500, alpha: 0.5, epsilon: 0.1, seed })),
  };

  it("Q-learning's greedy policy is the optimal 13-step path along the edge (return −13) in every run", () => {
    for (const run of runs.qLearning) expect(greedyRollout(run.policy)).toMatchObject({ length: 13, ret: -13 });
  });

  it("SARSA's greedy path keeps away from the edge: it never falls and, when it reaches the goal, takes the 17-step top-row route", () => {
    let reached = 0;
    for (const run of runs.sarsa) {
      const { length, ret, cells } = greedyRollout(run.policy);
      // A fall would send the agent back to the start with −100; the rollout never falls.
      expect(cells.includes(CliffWalking.START)).toBe(false);
      if (cells.at(-1) === CliffWalking.GOAL) {
        reached++;
        expect([length, ret]).toEqual([17, -17]);
      }
    }
    // With α = 0.5 the final Q is still noisy; a greedy rollout may stall against a wall in a rare run.
    expect(reached).toBeGreaterThanOrEqual(8);
  });

  it("SARSA earns more reward online than Q-learning, at about the book's levels (≈ −25 vs ≈ −50)", () => {
    // Mean reward per episode over episodes 100..500 of each run, then over the 10 runs.
    const online = (rs: { episodeReturns: number[] }[]): number => mean(rs.map((r) => mean(r.episodeReturns.slice(100))));
    const sarsaOnline = online(runs.sarsa);
    const qOnline = online(runs.qLearning);
    expect(sarsaOnline).toBeGreaterThan(qOnline + 10);
    expect(sarsaOnline).toBeGreaterThan(-35);
    expect(sarsaOnline).toBeLessThan(-17); // the safe path costs 17 plus exploration
    expect(qOnline).toBeGreaterThan(-60);
    expect(qOnline).toBeLessThan(-40);
  });

  it("Expected SARSA and Double Q-learning also learn a safe path that reaches the goal", () => {
    for (const seed of [0, 1, 2]) {
      const es = greedyRollout(expectedSarsa(new CliffWalking(), { episodes: 500, alpha: 0.5, epsilon: 0.1, seed }).policy);
      expect(es.ret).toBeGreaterThanOrEqual(-17);
      const dq = greedyRollout(doubleQLearning(new CliffWalking(), { episodes: 500, alpha: 0.5, epsilon: 0.1, seed }).policy);
      expect(dq.cells.at(-1)).toBe(CliffWalking.GOAL);
    }
    // Expected SARSA with a greedy target policy has Q-learning's target: the optimal edge path.
    const offPolicy = expectedSarsa(new CliffWalking(), { episodes: 500, alpha: 0.5, epsilon: 0.1, targetEpsilon: 0, seed: 0 });
    expect(greedyRollout(offPolicy.policy)).toMatchObject({ length: 13, ret: -13 });
  });
});

/**
 * Example 6.7's maximization-bias MDP, adapted to one shared action set of 10 actions: from A,
 * action 0 is "right" (terminate, reward 0) and actions 1..9 are "left" (to B, reward 0); every action
 * in B terminates with reward ~ N(−0.1, 1). Going right is optimal; under ε-greedy with ε = 0.1 the
 * best possible frequency of "left" is 0.9 · 0.1 = 0.09 (the book's 5% with two actions).
 */
class MaximizationBias implements Env<number, number> {
  readonly observationSpace = new Discrete(3);
  readonly actionSpace = new Discrete(10);
  readonly lefts: boolean[] = [];
  private s = 0;
  private rng = new Generator(0);

  reset(options: ResetOptions = {}): [number, Info] {
    if (options.seed !== undefined) this.rng.manualSeed(options.seed);
    this.s = 0;
    return [0, {}];
  }

  step(action: number): StepResult<number> {
    if (this.s === 0) {
      const left = action !== 0;
      this.lefts.push(left);
      this.s = left ? 1 : 2;
      return [this.s, 0, !left, false, {}];
    }
    this.s = 2;
    return [2, this.rng.normal(-0.1, 1), true, false, {}];
  }
}

describe("maximization bias (Example 6.7, Figure 6.5)", () => {
  it("Q-learning keeps choosing 'left' from A far more often than Double Q-learning, which nears the ε-greedy optimum", () => {
    const leftFraction = (learn: typeof qLearning): number => {
      let lefts = 0;
      const runs = 200;
      for (let seed = 0; seed < runs; seed++) {
        const env = new MaximizationBias();
        learn(env, { episodes: 300, alpha: 0.1, epsilon: 0.1, seed });
        lefts += env.lefts.slice(200).filter(Boolean).length;
      }
      return lefts / (runs * 100); // episodes 200..299; standard error < 0.005
    };
    const q = leftFraction(qLearning);
    const double = leftFraction(doubleQLearning);
    expect(q).toBeGreaterThan(double + 0.05);
    expect(double).toBeLessThan(0.15);
    expect(double).toBeGreaterThan(0.09 - 0.02);
  });
});

describe("soft Q-learning", () => {
  /** Soft value iteration written out here: Q(s,a) = Σ p [r + γ τ log Σ_b exp(Q(s',b)/τ)]. */
  function softValueIteration(tau: number, gamma: number): number[][] {
    const mdp = fromEnv(new RandomWalk());
    let Q = Array.from({ length: mdp.nS }, () => new Array<number>(mdp.nA).fill(0));
    for (let sweep = 0; sweep < 2000; sweep++) {
      Q = Q.map((row, s) =>
        row.map((_, a) =>
          mdp.P[s]![a]!.reduce((acc, t) => {
            const soft = tau * Math.log(Q[t.next]!.reduce((z, q) => z + Math.exp(q / tau), 0));
            return acc + t.prob * (t.reward + (t.done ? 0 : gamma * soft));
          }, 0),
        ),
      );
    }
    return Q;
  }

  it("converges to the fixed point of the soft Bellman equation (deterministic walk, τ = 0.5, γ = 0.9)", () => {
    const expected = softValueIteration(0.5, 0.9);
    const { Q, policy } = softQLearning(new RandomWalk(), { episodes: 4000, alpha: 0.2, gamma: 0.9, temperature: 0.5, seed: 0 });
    for (let s = 1; s <= 5; s++) for (let a = 0; a < 2; a++) expect(Q[s]![a]).toBeCloseTo(expected[s]![a]!, 3);
    // The policy is Boltzmann in Q: π(right|s) / π(left|s) = exp((Q_right − Q_left) / τ).
    expect(policy[3]![1]! / policy[3]![0]!).toBeCloseTo(Math.exp((Q[3]![1]! - Q[3]![0]!) / 0.5), 9);
  });

  it("tends to Q-learning's optimal values as τ → 0", () => {
    const qStar = qValueIteration(fromEnv(new RandomWalk()), { gamma: 0.9 }).Q;
    const { Q } = softQLearning(new RandomWalk(), { episodes: 3000, alpha: 0.2, gamma: 0.9, temperature: 0.02, seed: 1 });
    // A nearly greedy Boltzmann policy walks right from the centre, so check the states it keeps visiting.
    for (let s = 3; s <= 5; s++) expect(Q[s]![1]).toBeCloseTo(qStar[s]![1]!, 2);
  });
});

describe("Monte Carlo control", () => {
  // Figure 5.2 (π*): stick from this player sum upward, per dealer card A, 2, ..., 10.
  const FIGURE_5_2_STICK_FROM = {
    usableAce: [19, 18, 18, 18, 18, 18, 18, 18, 19, 19],
    noUsableAce: [17, 13, 13, 12, 12, 12, 17, 17, 17, 17],
  };
  const bookAction = (playerSum: number, dealer: number, ace: number): number =>
    playerSum >= (ace ? FIGURE_5_2_STICK_FROM.usableAce : FIGURE_5_2_STICK_FROM.noUsableAce)[dealer - 1]! ? 0 : 1;
  const optimal = qValueIteration(blackjackModel(), { gamma: 1 });

  it("value iteration on the exact Blackjack model gives the optimal policy of Figure 5.2", () => {
    for (const [playerSum, dealer, ace] of Blackjack.decisionStates()) {
      const s = blackjackStateIndex([playerSum, dealer, ace]);
      expect(optimal.policy[s]!.indexOf(1), `sum ${playerSum}, dealer ${dealer}, ace ${ace}`).toBe(bookAction(playerSum, dealer, ace));
    }
  });

  it("Monte Carlo ES on Blackjack finds Figure 5.2's policy wherever the action gap exceeds 3 standard errors", () => {
    const env = new Blackjack();
    const { Q, visits } = mcControl(env, { episodes: 2_000_000, exploringStarts: true, startStates: Blackjack.decisionStates(), seed: 1 });
    const index = stateIndexer(env.observationSpace);
    let decided = 0;
    for (const state of Blackjack.decisionStates()) {
      const s = index.index(state);
      const [qStick, qHit] = [optimal.Q[blackjackStateIndex(state)]![0]!, optimal.Q[blackjackStateIndex(state)]![1]!];
      // Returns lie in [−1, 1] (variance ≤ 1), so each average has standard error ≤ 1/√visits.
      const se = Math.sqrt(1 / visits[s]![0]! + 1 / visits[s]![1]!);
      if (Math.abs(qStick - qHit) <= 3 * se) continue;
      decided++;
      expect(Q[s]![0]! >= Q[s]![1]! ? 0 : 1, `state ${state.join(",")}`).toBe(bookAction(...state));
    }
    expect(decided).toBeGreaterThan(180); // only a handful of near-ties are excused
  });

  it("on-policy ε-soft MC control and off-policy MC control (weighted IS) find optimal greedy policies on the 4×4 gridworld", () => {
    const mdp = fromEnv(new GridWorld4x4());
    const vStar = Array.from({ length: 16 }, (_, s) => -Math.min(Math.floor(s / 4) + (s % 4), 6 - Math.floor(s / 4) - (s % 4)));
    const onPolicy = mcControl(new GridWorld4x4(), { episodes: 3000, epsilon: 0.1, seed: 0, maxEpisodeSteps: 200 });
    // Pessimistic initial values: with Q = 0 above every return, untried actions would stay greedy forever.
    const offPolicy = offPolicyMcControl(new GridWorld4x4(), { episodes: 3000, epsilon: 0.3, initialQ: -50, seed: 0, maxEpisodeSteps: 200 });
    for (const { policy } of [onPolicy, offPolicy]) {
      const v = evaluatePolicyExact(mdp, policy, { gamma: 1 });
      v.forEach((x, s) => expect(x, `state ${s}`).toBeCloseTo(vStar[s]!, 9));
    }
  });

  it("exploring starts need start states", () => {
    expect(() => mcControl(new Blackjack(), { episodes: 1, exploringStarts: true })).toThrow(/needs cfg.startStates/);
  });
});
