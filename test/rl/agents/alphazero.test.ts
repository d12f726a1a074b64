// AlphaZero's pieces: PUCT scores by hand, root-only Dirichlet noise, backed-up values, board symmetries, the loss, self-play targets, gating and seeding.

import { describe, expect, it } from "vitest";
import { TicTacToe } from "../../../src/games/TicTacToe.js";
import { ConnectFour } from "../../../src/games/ConnectFour.js";
import type { PerfectInformationGame } from "../../../src/games/PerfectInformationGame.js";
import { Generator } from "../../../src/random/Generator.js";
import { tensor } from "../../../src/ops/creation.js";
import { Adam } from "../../../src/optim/Adam.js";
import {
  ILLEGAL_LOGIT, NetworkEvaluator, alphaZeroPlayer, PUCTNode, PUCTSearch, PolicyValueNet, alphaZeroLoss, boardSymmetries, chooseMove, playGames,
  puctScores, runSearches, sampleDirichlet, sampleGamma, selectPUCT, trainAlphaZero, transformSample, type Evaluation, type Evaluator, type Sample, type Side,
} from "../../../src/rl/agents/AlphaZero.js";

/** Fixed priors (renormalized over the legal actions) and value 0 for every position; counts its calls. */
class FixedEvaluator implements Evaluator {
  calls = 0;
  constructor(private readonly weights: readonly number[]) {}
  evaluate(games: readonly PerfectInformationGame[]): Evaluation[] {
    this.calls++;
    return games.map((g) => {
      const mask = g.legalActionsMask();
      const priors = Float64Array.from(this.weights, (w, a) => w * mask[a]!);
      const z = priors.reduce((s, p) => s + p, 0);
      return { priors: priors.map((p) => p / z), value: 0 };
    });
  }
}

const uniform9 = new Array<number>(9).fill(1);

function sampleOf(game: PerfectInformationGame, policy: number[], value: number): Sample {
  return { observation: game.observation(), legalMask: game.legalActionsMask(), policy, value };
}

describe("PUCT selection", () => {
  it("scores Q + c·P·√N / (1 + n) as worked out by hand", () => {
    // P = (0.5, 0.3, 0.2), N(s, a) = (2, 1, 0), W(s, a) = (1, 0.9, 0), so N(s) = 3 and Q = (0.5, 0.9, 0).
    const node = new PUCTNode([0, 4, 8], Float64Array.from([0.5, 0.3, 0.2]));
    node.visits.set([2, 1, 0]);
    node.valueSums.set([1, 0.9, 0]);
    node.total = 3;
    const r3 = Math.sqrt(3);
    // c = 1.5: 0.5 + 1.5·0.5·√3/3, 0.9 + 1.5·0.3·√3/2, 0 + 1.5·0.2·√3/1.
    const scores = puctScores(node, 1.5);
    [0.5 + 0.25 * r3, 0.9 + 0.225 * r3, 0.3 * r3].forEach((s, i) => expect(scores[i]).toBeCloseTo(s, 12));
    expect(selectPUCT(node, 1.5)).toBe(1); // 1.290 > 0.933 > 0.520
    expect(selectPUCT(node, 0)).toBe(1); // pure exploitation: the best Q
    expect(selectPUCT(node, 100)).toBe(2); // exploration dominates: 34.6 (unvisited) > 29.4 > 26.9
  });

  it("follows the largest prior through a node never visited", () => {
    const node = new PUCTNode([1, 2, 3], Float64Array.from([0.2, 0.7, 0.1]));
    expect(selectPUCT(node, 1)).toBe(1);
  });
});

describe("Dirichlet noise", () => {
  it("Gamma draws have mean and variance equal to the shape", () => {
    const g = new Generator(3);
    for (const shape of [0.3, 2.5]) {
      const n = 40_000;
      const xs = Array.from({ length: n }, () => sampleGamma(shape, g));
      const mean = xs.reduce((a, b) => a + b, 0) / n;
      const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n;
      expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / n));
      expect(Math.abs(variance / shape - 1)).toBeLessThan(0.1);
    }
  });

  it("Dir(α) draws sum to 1 with marginal mean 1/K and variance (1/K)(1 − 1/K)/(Kα + 1)", () => {
    const g = new Generator(4);
    const K = 4;
    const alpha = 0.5;
    const n = 20_000;
    const first = Array.from({ length: n }, () => {
      const d = sampleDirichlet(alpha, K, g);
      expect(Math.abs(d.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      return d[0]!;
    });
    const mean = first.reduce((a, b) => a + b, 0) / n;
    const variance = first.reduce((a, x) => a + (x - mean) ** 2, 0) / n;
    const expected = (1 / K) * (1 - 1 / K) / (K * alpha + 1);
    expect(Math.abs(mean - 1 / K)).toBeLessThan(5 * Math.sqrt(expected / n));
    expect(Math.abs(variance / expected - 1)).toBeLessThan(0.08);
  });

  it("is mixed into the root's priors only", () => {
    const weights = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const evaluator = new FixedEvaluator(weights);
    const game = TicTacToe.fromMoves([4]);
    const noisy = new PUCTSearch(game, { cPuct: 1.5, noise: { alpha: 0.3, epsilon: 0.25, generator: new Generator(1) } });
    runSearches([noisy], () => evaluator, 200);
    const clean = evaluator.evaluate([game])[0]!.priors;
    const rootPriors = noisy.root!.priors;
    const legal = game.legalActions();
    expect(rootPriors.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // Each noisy prior is (1 − ε)·P + ε·η with η ∈ [0, 1], so it stays within ε of 0.75·P … 0.75·P + 0.25.
    legal.forEach((a, i) => {
      expect(rootPriors[i]!).toBeGreaterThanOrEqual(0.75 * clean[a]! - 1e-12);
      expect(rootPriors[i]!).toBeLessThanOrEqual(0.75 * clean[a]! + 0.25 + 1e-12);
    });
    expect(legal.some((a, i) => Math.abs(rootPriors[i]! - clean[a]!) > 1e-3)).toBe(true);
    // Every node below the root keeps the evaluator's priors exactly.
    let inner = 0;
    const visit = (node: PUCTNode, moves: number[]): void => {
      node.children.forEach((child, i) => {
        if (child === null) return;
        const path = [...moves, node.actions[i]!];
        const expected = evaluator.evaluate([TicTacToe.fromMoves(path)])[0]!.priors;
        expect(Array.from(child.priors)).toEqual(child.actions.map((a) => expected[a]));
        inner++;
        visit(child, path);
      });
    };
    visit(noisy.root!, [4]);
    expect(inner).toBeGreaterThan(20);
  });
});

describe("PUCT search", () => {
  it("backs terminal outcomes up with alternating signs: it takes a win and blocks a loss with uninformative priors", () => {
    const evaluator = new FixedEvaluator(uniform9);
    // x x . / o o . / . . . — X to move wins at cell 2 (blocking at 5 would not).
    const win = new PUCTSearch(TicTacToe.fromMoves([0, 3, 1, 4]), { cPuct: 1.5 });
    runSearches([win], () => evaluator, 100);
    expect(chooseMove(win.visitCounts(), 0, new Generator(0))).toBe(2);
    // x x . / . . . / . . o — O to move must block at cell 2.
    const block = new PUCTSearch(TicTacToe.fromMoves([0, 8, 1]), { cPuct: 1.5 });
    runSearches([block], () => evaluator, 200);
    expect(chooseMove(block.visitCounts(), 0, new Generator(0))).toBe(2);
    expect(block.root!.total).toBe(200); // the root's evaluation comes first; each simulation then adds a root visit
  });

  it("rootValue is Σ W / Σ N over the root's edges for the player to move: near +1 where a move wins, negative where every move loses", () => {
    // x x . / o o . / . . . with X to move: cell 2 wins (as in the test above).
    const evaluator = new FixedEvaluator(uniform9);
    const s = new PUCTSearch(TicTacToe.fromMoves([0, 3, 1, 4]), { cPuct: 1.5 });
    expect(s.rootValue()).toBe(0); // nothing searched yet
    runSearches([s], () => evaluator, 50);
    const root = s.root!;
    let w = 0;
    for (let i = 0; i < root.actions.length; i++) w += root.valueSums[i]!;
    expect(s.rootValue()).toBeCloseTo(w / root.total, 12);
    // Most simulations go to the winning move (+1 each, a terminal backup); the evaluator says 0 elsewhere.
    expect(s.rootValue()).toBeGreaterThan(0.5);
    // From the loser's side it is negative: x o . / . x . / x . o with O to move; X threatens 2 and 3 at once.
    const lost = new PUCTSearch(TicTacToe.fromMoves([4, 1, 0, 8, 6]), { cPuct: 1.5 });
    runSearches([lost], () => evaluator, 200);
    expect(lost.rootValue()).toBeLessThan(0);
  });

  it("alphaZeroPlayer searches with a network and plays the most visited move", () => {
    const player = alphaZeroPlayer(new PolicyValueNet(27, 9, [16], new Generator(9)), 100);
    const game = TicTacToe.fromMoves([0, 3, 1, 4]);
    expect(player(game)).toBe(2); // the win is found by search, whatever the untrained network thinks
    expect(game.moves()).toEqual([0, 3, 1, 4]);
  });

  it("batches the leaves of many trees into one evaluation per simulation step", () => {
    const evaluator = new FixedEvaluator(uniform9);
    const searches = [new TicTacToe(), TicTacToe.fromMoves([0]), TicTacToe.fromMoves([4, 2])].map((g) => new PUCTSearch(g, { cPuct: 1 }));
    runSearches(searches, () => evaluator, 10);
    expect(evaluator.calls).toBe(11); // the roots, then one batch per simulation
    for (const s of searches) {
      expect(s.simulations).toBe(10);
      expect(s.visitCounts().reduce((a, b) => a + b, 0)).toBe(10);
    }
  });
});

describe("policy-value network", () => {
  it("masks illegal moves, keeps the value in (−1, 1), and the evaluator's priors are the softmax over legal moves", () => {
    const net = new PolicyValueNet(27, 9, [16], new Generator(2));
    const game = TicTacToe.fromMoves([4, 0, 8]);
    const obs = tensor([game.observation()]);
    const mask = tensor([game.legalActionsMask()]);
    const [logits, value] = net.call(obs, mask);
    expect(logits.shape).toEqual([1, 9]);
    expect(value.shape).toEqual([1]);
    const l = Array.from(logits.dataSync());
    for (const a of [0, 4, 8]) expect(l[a]).toBe(Math.fround(ILLEGAL_LOGIT));
    expect(Math.abs(value.item())).toBeLessThan(1);
    const evaluator = new NetworkEvaluator(net);
    const [e] = evaluator.evaluate([game]);
    const legal = game.legalActions();
    const z = legal.reduce((s, a) => s + Math.exp(l[a]!), 0);
    for (let a = 0; a < 9; a++) expect(e!.priors[a]).toBeCloseTo(legal.includes(a) ? Math.exp(l[a]!) / z : 0, 6);
    expect(e!.value).toBeCloseTo(value.item(), 6);
    // Batched evaluation equals one-by-one; repeated positions go through the network once.
    const games = [new TicTacToe(), game, TicTacToe.fromMoves([1]), new TicTacToe()];
    const fresh = new NetworkEvaluator(net);
    const batched = fresh.evaluate(games);
    expect(fresh.evaluations).toBe(3);
    games.forEach((g, i) => {
      const single = new NetworkEvaluator(net).evaluate([g])[0]!;
      for (let a = 0; a < 9; a++) expect(batched[i]!.priors[a]).toBeCloseTo(single.priors[a]!, 6);
    });
    expect(Object.keys(net.stateDict()).sort()).toEqual(["policy_head.bias", "policy_head.weight", "trunk.0.bias", "trunk.0.weight", "value_head.bias", "value_head.weight"]);
  });
});

describe("policy-value network with a convolution", () => {
  it("computes a 4 × 4 cross-correlation of Connect Four's 3 planes (3 × 4 positions per filter), ReLU, then the MLP trunk, as written out in plain loops", () => {
    const conv = { inputShape: [3, 6, 7] as const, channels: 2, kernelSize: 4 };
    const net = new PolicyValueNet(126, 7, [5], new Generator(4), conv);
    const sd = net.stateDict();
    expect(Object.keys(sd).sort()).toEqual(["conv.bias", "conv.weight", "policy_head.bias", "policy_head.weight", "trunk.0.bias", "trunk.0.weight", "value_head.bias", "value_head.weight"]);
    expect(sd["conv.weight"]!.shape).toEqual([2, 3, 4, 4]);
    expect(sd["trunk.0.weight"]!.shape).toEqual([5, 2 * 3 * 4]); // flattened (channel, row, column)
    const w = (k: string): number[] => Array.from(sd[k]!.dataSync());
    const [cw, cb, tw, tb, pw, pb, vw, vb] = ["conv.weight", "conv.bias", "trunk.0.weight", "trunk.0.bias", "policy_head.weight", "policy_head.bias", "value_head.weight", "value_head.bias"].map(w) as number[][];
    const relu = (x: number): number => Math.max(0, x);
    for (const moves of [[], [3, 3, 4, 2, 5], [0, 1, 2, 3, 4, 5, 6, 6, 6]]) {
      const obs = ConnectFour.fromMoves(moves).observation();
      const features: number[] = [];
      for (let c = 0; c < 2; c++) {
        for (let r = 0; r < 3; r++) {
          for (let q = 0; q < 4; q++) {
            let sum = cb![c]!;
            for (let p = 0; p < 3; p++) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) sum += cw![((c * 3 + p) * 4 + i) * 4 + j]! * obs[(p * 6 + r + i) * 7 + q + j]!;
            features.push(relu(sum));
          }
        }
      }
      const hidden = Array.from({ length: 5 }, (_, h) => relu(features.reduce((s, f, k) => s + tw![h * 24 + k]! * f, tb![h]!)));
      const logits = Array.from({ length: 7 }, (_, a) => hidden.reduce((s, x, k) => s + pw![a * 5 + k]! * x, pb![a]!));
      const value = Math.tanh(hidden.reduce((s, x, k) => s + vw![k]! * x, vb![0]!));
      const [l, v] = net.call(tensor([obs]));
      Array.from(l.dataSync()).forEach((x, a) => expect(x).toBeCloseTo(logits[a]!, 5));
      expect(v.item()).toBeCloseTo(value, 5);
    }
  });

  it("rejects an input shape that does not hold the observation and a kernel larger than the board", () => {
    expect(() => new PolicyValueNet(126, 7, [8], new Generator(0), { inputShape: [3, 6, 6], channels: 4, kernelSize: 4 })).toThrow(/PolicyValueNet: conv.inputShape \[3, 6, 6\] holds 108 values, not the observation size 126/);
    expect(() => new PolicyValueNet(126, 7, [8], new Generator(0), { inputShape: [3, 6, 7], channels: 4, kernelSize: 7 })).toThrow(/PolicyValueNet: conv.kernelSize must be an integer in 1..6 for a 6 × 7 board, got 7/);
  });

  it("trainAlphaZero builds it from the game's observation shape: a tic-tac-toe run with a 2 × 2 convolution trains and is seeded", () => {
    const tiny = { iterations: 1, selfPlayGames: 2, simulations: 4, trainSteps: 2, batchSize: 4, arenaGames: 0, hidden: [8], conv: { channels: 3, kernelSize: 2 } };
    const run = trainAlphaZero(() => new TicTacToe(), tiny);
    expect(run.best.stateDict()["conv.weight"]!.shape).toEqual([3, 3, 2, 2]);
    expect(run.best.stateDict()["trunk.0.weight"]!.shape).toEqual([8, 3 * 2 * 2]);
    const again = trainAlphaZero(() => new TicTacToe(), tiny);
    expect(again.best.stateDict()["conv.weight"]!.dataSync()).toEqual(run.best.stateDict()["conv.weight"]!.dataSync());
  });
});

describe("alphaZeroLoss", () => {
  it("is −πᵀ log softmax(masked logits) + (z − v)², batch-averaged, as worked out by hand", () => {
    // Row 0: legal {0, 1}, logits (0, ln 3) → p = (1/4, 3/4); π = (1/2, 1/2); v = 0.5, z = 1.
    // Row 1: legal {2}, p = (0, 0, 1); π = (0, 0, 1) → cross-entropy 0; v = 0, z = −1.
    const logits = tensor([[0, Math.log(3), 5], [1, 2, 3]], { dtype: "float64", requiresGrad: true });
    const masked = logits.maskedFill(tensor([[false, false, true], [true, true, false]]), ILLEGAL_LOGIT);
    const values = tensor([0.5, 0], { dtype: "float64" });
    const { loss, policyLoss, valueLoss } = alphaZeroLoss(masked, values, tensor([[0.5, 0.5, 0], [0, 0, 1]], { dtype: "float64" }), tensor([1, -1], { dtype: "float64" }));
    const ce0 = -(0.5 * Math.log(1 / 4) + 0.5 * Math.log(3 / 4));
    expect(policyLoss.item()).toBeCloseTo(ce0 / 2, 12);
    expect(valueLoss.item()).toBeCloseTo((0.25 + 1) / 2, 12);
    expect(loss.item()).toBeCloseTo(ce0 / 2 + 0.625, 12);
    loss.backward();
    // ∂/∂logits = (p − π)/B on legal entries, 0 on masked ones.
    const g = Array.from(logits.grad!.dataSync());
    [(0.25 - 0.5) / 2, (0.75 - 0.5) / 2, 0, 0, 0, 0].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 12));
  });

  it("fits a few positions: the network learns their visit distributions and outcomes", () => {
    const net = new PolicyValueNet(27, 9, [32], new Generator(5));
    const positions = [new TicTacToe(), TicTacToe.fromMoves([4]), TicTacToe.fromMoves([0, 4, 8])];
    const targets = [[0, 0, 0.5, 0, 0.5, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 1, 0]];
    const values = [0.5, -0.5, 1];
    const obs = tensor(positions.map((g) => g.observation()));
    const mask = tensor(positions.map((g) => g.legalActionsMask()));
    const pi = tensor(targets);
    const z = tensor(values);
    const optimizer = new Adam(net.parameters(), { lr: 1e-2 });
    const lossAt = (): number => { const [l, v] = net.call(obs, mask); return alphaZeroLoss(l, v, pi, z).loss.item(); };
    const before = lossAt();
    for (let step = 0; step < 200; step++) {
      const [l, v] = net.call(obs, mask);
      const { loss } = alphaZeroLoss(l, v, pi, z);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    }
    // The minimum is the targets' entropy: (ln 2 + 0 + 0) / 3.
    expect(before).toBeGreaterThan(1);
    expect(lossAt()).toBeLessThan(Math.log(2) / 3 + 0.02);
  });
});

describe("board symmetries", () => {
  const cases: [string, () => PerfectInformationGame, (moves: number[]) => PerfectInformationGame, number[], number][] = [
    ["tic-tac-toe", () => new TicTacToe(), (m) => TicTacToe.fromMoves(m), [0, 4, 5, 1], 8],
    ["Connect Four", () => new ConnectFour(), (m) => ConnectFour.fromMoves(m), [0, 3, 1, 1, 6, 2, 2], 2],
  ];
  it.each(cases)("%s: transforming a position's sample equals the sample of the transformed position", (_, make, fromMoves, moves, count) => {
    const symmetries = boardSymmetries(make());
    expect(symmetries).toHaveLength(count);
    expect(new Set(symmetries.map((s) => s.cells.join())).size).toBe(count);
    const game = fromMoves(moves);
    const n = game.numDistinctActions;
    const policy = Array.from({ length: n }, (_, a) => (game.legalActionsMask()[a] ? a + 1 : 0));
    for (const sym of symmetries) {
      const mapped = fromMoves(moves.map((a) => sym.actions[a]!));
      const t = transformSample(sampleOf(game, policy, -1), sym);
      expect(t.observation).toEqual(mapped.observation());
      expect(t.legalMask).toEqual(mapped.legalActionsMask());
      for (let a = 0; a < n; a++) expect(t.policy[sym.actions[a]!]).toBe(policy[a]);
      expect(t.value).toBe(-1);
      expect(transformSample({ ...sampleOf(game, policy, -1), searchValue: 0.25 }, sym).searchValue).toBe(0.25);
    }
  });
});

describe("self-play and training", () => {
  it("self-play samples carry visit distributions and the outcome for the player to move; same seed, same games", () => {
    const evaluator = new FixedEvaluator(uniform9);
    const side: Side = { kind: "search", evaluator, simulations: 20, cPuct: 1.5, noise: { alpha: 1, epsilon: 0.25 }, temperatureMoves: 9 };
    const play = (seed: number) => playGames(() => new TicTacToe(), 6, () => [side, side], new Generator(seed), true);
    const games = play(1);
    expect(play(1)).toEqual(games);
    expect(play(2).map((g) => g.moves)).not.toEqual(games.map((g) => g.moves));
    for (const g of games) {
      const final = TicTacToe.fromMoves(g.moves);
      expect(final.isTerminal()).toBe(true);
      expect(g.returns).toEqual(final.returns());
      expect(g.samples).toHaveLength(g.moves.length);
      g.samples.forEach((s, k) => {
        expect(s.policy.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        s.policy.forEach((p, a) => { if (s.legalMask[a] === 0) expect(p).toBe(0); });
        expect(s.value).toBe(g.returns[k % 2]); // player k % 2 moved at ply k
        expect(s.observation).toEqual(TicTacToe.fromMoves(g.moves.slice(0, k)).observation());
        expect(Math.abs(s.searchValue!)).toBeLessThanOrEqual(1); // the root's mean backed-up value
      });
    }
  });

  it("gates: a threshold of 0 accepts every trained network, one above 1 keeps the first network; same seed, same run", () => {
    const tiny = { iterations: 2, selfPlayGames: 4, simulations: 8, trainSteps: 3, batchSize: 8, arenaGames: 2, hidden: [8] };
    const make = () => new TicTacToe();
    const always = trainAlphaZero(make, { ...tiny, arenaThreshold: 0 });
    expect(always.acceptances).toBe(2);
    expect(always.best.stateDict()["value_head.weight"]!.dataSync()).toEqual(always.trainee.stateDict()["value_head.weight"]!.dataSync());
    const never = trainAlphaZero(make, { ...tiny, arenaThreshold: 1.01 });
    expect(never.acceptances).toBe(0);
    expect(never.history.map((h) => h.accepted)).toEqual([false, false]);
    expect(never.best.stateDict()["value_head.weight"]!.dataSync()).not.toEqual(never.trainee.stateDict()["value_head.weight"]!.dataSync());
    const again = trainAlphaZero(make, { ...tiny, arenaThreshold: 0 });
    expect(again.history.map(({ seconds: _, ...h }) => h)).toEqual(always.history.map(({ seconds: _, ...h }) => h));
    expect(again.best.stateDict()["trunk.0.weight"]!.dataSync()).toEqual(always.best.stateDict()["trunk.0.weight"]!.dataSync());
    expect(always.selfPlayGames).toBe(8);
  });

  it("without an arena (arenaGames 0) every trained network becomes the best one at once: no arena score, all accepted; negative games are an error", () => {
    const tiny = { iterations: 2, selfPlayGames: 4, simulations: 8, trainSteps: 3, batchSize: 8, arenaGames: 0, hidden: [8] };
    const run = trainAlphaZero(() => new TicTacToe(), tiny);
    expect(run.acceptances).toBe(2);
    expect(run.history.map((h) => h.accepted)).toEqual([true, true]);
    expect(run.history.map((h) => h.arenaScore)).toEqual([NaN, NaN]);
    expect(run.best.stateDict()["trunk.0.weight"]!.dataSync()).toEqual(run.trainee.stateDict()["trunk.0.weight"]!.dataSync());
    // The arena draws from the run's generator; without it, the second iteration's games differ from a gated run that accepts all.
    const gated = trainAlphaZero(() => new TicTacToe(), { ...tiny, arenaGames: 2, arenaThreshold: 0 });
    expect(gated.history[0]!.policyLoss).toBe(run.history[0]!.policyLoss);
    expect(gated.history[1]!.policyLoss).not.toBe(run.history[1]!.policyLoss);
    expect(() => trainAlphaZero(() => new TicTacToe(), { ...tiny, arenaGames: -2 })).toThrow(/trainAlphaZero: arenaGames must be an integer ≥ 0, got -2/);
  });

  it("the value target: \"average\" trains on (z + q) / 2, so a run differs from \"outcome\"; learningRateFinal anneals by a cosine; bad values are errors", () => {
    const tiny = { iterations: 1, selfPlayGames: 4, simulations: 8, trainSteps: 1, batchSize: 8, arenaGames: 2, hidden: [8], arenaThreshold: 0 };
    const make = () => new TicTacToe();
    const outcome = trainAlphaZero(make, { ...tiny, valueTarget: "outcome" });
    const plain = trainAlphaZero(make, tiny);
    expect(plain.history[0]!.valueLoss).toBe(outcome.history[0]!.valueLoss); // "outcome" is the default
    const average = trainAlphaZero(make, { ...tiny, valueTarget: "average" });
    expect(average.history[0]!.policyLoss).toBe(outcome.history[0]!.policyLoss); // same games, same batches
    expect(average.history[0]!.valueLoss).not.toBe(outcome.history[0]!.valueLoss);
    expect(average.history[0]!.learningRate).toBe(1e-3); // constant without learningRateFinal
    const cosine = trainAlphaZero(make, { ...tiny, iterations: 3, learningRateFinal: 1e-4 });
    const rates = cosine.history.map((h) => h.learningRate);
    [1e-3, 1e-4 + 0.9e-3 / 2, 1e-4].forEach((lr, i) => expect(rates[i]).toBeCloseTo(lr, 15)); // cos 0, cos π/2, cos π
    expect(() => trainAlphaZero(make, { ...tiny, learningRateFinal: 2e-3 })).toThrow(/trainAlphaZero: learningRateFinal must be in \[0, learningRate = 0.001\], got 0.002/);
    expect(() => trainAlphaZero(make, { ...tiny, valueTarget: "mean" as "average" })).toThrow(/trainAlphaZero: valueTarget must be "outcome" or "average", got "mean"/);
  });
});
