// AlphaZero for two-player perfect-information games (src/games): a policy-value network guides a PUCT
// tree search; self-play with Dirichlet noise at the root and a temperature schedule produces (position,
// visit distribution, outcome) samples; the network learns them by cross-entropy + MSE (+ weight decay);
// a new network replaces the best one only when it wins ≥ 55 % of an arena match (AlphaGo Zero's gating).
// One file, top to bottom.
//
// Papers: Silver et al. 2017, "Mastering the game of Go without human knowledge" (AlphaGo Zero),
// https://doi.org/10.1038/nature24270 ; Silver et al. 2018, "A general reinforcement learning algorithm that
// masters chess, shogi, and Go through self-play" (AlphaZero), https://doi.org/10.1126/science.aar6404 .
// Reference implementations: the AlphaZero pseudocode (supplementary material of the 2018 paper) and
// alpha-zero-general, https://github.com/suragnair/alpha-zero-general .

import { Generator } from "../../random/Generator.js";
import { Module } from "../../nn/Module.js";
import { Linear } from "../../nn/Linear.js";
import { Conv2d } from "../../nn/Conv.js";
import type { Sequential } from "../../nn/containers.js";
import { Adam } from "../../optim/Adam.js";
import { noGrad } from "../../autograd/engine.js";
import { tensor } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/Tensor.js";
import type { PerfectInformationGame } from "../../games/PerfectInformationGame.js";
import { TicTacToe } from "../../games/TicTacToe.js";
import { ConnectFour } from "../../games/ConnectFour.js";
import type { Player } from "../../games/players.js";
import { copyWeights, mlp, observationBatch } from "./common.js";

// ---------------------------------------------------------------------------------------------------
// 1. The policy-value network.

/** The logit given to illegal actions: finite, so that a zero target times its log-probability is 0, not NaN. */
export const ILLEGAL_LOGIT = -1e9;

/**
 * A convolutional first layer over the board planes: `channels` filters of `kernelSize` × `kernelSize`
 * cells without padding (ReLU), whose outputs at every board position feed the MLP trunk. A 4 × 4 filter
 * sees every line of four on a Connect Four board (each lies in some 4 × 4 square) and learns one detector
 * for all positions of a pattern, which a fully connected first layer has to learn position by position.
 */
export interface PolicyValueConv {
  /** The observation as (planes, rows, columns); their product must equal the observation size. */
  inputShape: readonly [number, number, number];
  channels: number;
  kernelSize: number;
}

/**
 * f(s) = (policy logits p, value v): an optional convolutional layer over the board planes (`conv`), a
 * shared MLP trunk (ReLU) and two heads, a linear policy head with one logit per action (illegal ones set to
 * `ILLEGAL_LOGIT` when a legal mask is given) and a value head v = tanh(w·h + b) ∈ (−1, 1), the expected
 * outcome for the player to move.
 */
export class PolicyValueNet extends Module<[Tensor, Tensor?], [Tensor, Tensor]> {
  readonly conv: Conv2d | null;
  readonly trunk: Sequential;
  readonly policyHead: Linear;
  readonly valueHead: Linear;
  private readonly convShape: PolicyValueConv | null;

  constructor(readonly observationSize: number, readonly numActions: number, hidden: readonly number[], generator: Generator, conv?: PolicyValueConv) {
    super();
    if (hidden.length === 0) throw new Error("PolicyValueNet: hidden must list at least one trunk layer size");
    let trunkInput = observationSize;
    this.conv = null;
    this.convShape = conv ?? null;
    if (conv !== undefined) {
      const [planes, rows, columns] = conv.inputShape;
      if (planes * rows * columns !== observationSize) {
        throw new Error(`PolicyValueNet: conv.inputShape [${conv.inputShape.join(", ")}] holds ${planes * rows * columns} values, not the observation size ${observationSize}`);
      }
      if (!Number.isInteger(conv.kernelSize) || conv.kernelSize < 1 || conv.kernelSize > Math.min(rows, columns)) {
        throw new Error(`PolicyValueNet: conv.kernelSize must be an integer in 1..${Math.min(rows, columns)} for a ${rows} × ${columns} board, got ${conv.kernelSize}`);
      }
      this.conv = new Conv2d(planes, conv.channels, conv.kernelSize, { generator });
      trunkInput = conv.channels * (rows - conv.kernelSize + 1) * (columns - conv.kernelSize + 1);
    }
    this.trunk = mlp([trunkInput, ...hidden], generator, { activation: "relu" });
    const width = hidden[hidden.length - 1]!;
    this.policyHead = new Linear(width, numActions, { generator });
    this.valueHead = new Linear(width, 1, { generator });
  }

  /** observations (B, observationSize), legalMask (B, numActions) of 0/1 → [logits (B, numActions), value (B,)]. */
  forward(observations: Tensor, legalMask?: Tensor): [Tensor, Tensor] {
    let input = observations;
    if (this.conv !== null && this.convShape !== null) {
      const B = observations.shape[0]!;
      const maps = this.conv.call(observations.reshape(B, ...this.convShape.inputShape)).relu(); // (B, channels, rows − k + 1, columns − k + 1)
      input = maps.reshape(B, -1); // (B, channels · positions)
    }
    const features = this.trunk.call(input).relu();
    let logits = this.policyHead.call(features);
    if (legalMask !== undefined) {
      if (legalMask.shape.length !== 2 || legalMask.shape[0] !== logits.shape[0] || legalMask.shape[1] !== this.numActions) {
        throw new Error(`PolicyValueNet: legalMask must have shape [${logits.shape[0]}, ${this.numActions}], got [${legalMask.shape.join(", ")}]`);
      }
      logits = logits.maskedFill(legalMask.eq(0), ILLEGAL_LOGIT);
    }
    return [logits, this.valueHead.call(features).tanh().squeeze(1)];
  }
}

/** What the search needs of a position: prior probabilities over all actions (0 where illegal) and a value for the player to move. */
export interface Evaluation {
  priors: Float64Array;
  value: number;
}

/** Anything that evaluates a batch of positions: the network, or a stand-in in tests. */
export interface Evaluator {
  evaluate(games: readonly PerfectInformationGame[]): Evaluation[];
}

/**
 * Evaluates positions with a `PolicyValueNet` in one batched forward pass under `noGrad`: priors are the
 * softmax of the logits over the legal actions. Evaluations are cached by `game.key()` (equal keys, equal
 * observations) until `clearCache()`, so call that whenever the weights change.
 */
export class NetworkEvaluator implements Evaluator {
  private readonly cache = new Map<string, Evaluation>();
  /** Positions sent through the network so far (cache misses). */
  evaluations = 0;

  constructor(readonly net: PolicyValueNet) {}

  clearCache(): void {
    this.cache.clear();
  }

  evaluate(games: readonly PerfectInformationGame[]): Evaluation[] {
    const out: (Evaluation | undefined)[] = games.map((g) => this.cache.get(g.key()));
    const missing = new Map<string, number[]>(); // key → indices in `games`
    out.forEach((e, i) => {
      if (e === undefined) {
        const key = games[i]!.key();
        const list = missing.get(key);
        if (list) list.push(i);
        else missing.set(key, [i]);
      }
    });
    if (missing.size > 0) {
      const first = [...missing.values()].map((idx) => games[idx[0]!]!);
      const A = this.net.numActions;
      const masks = first.map((g) => g.legalActionsMask());
      const logits = noGrad(() => {
        const [l, v] = this.net.call(observationBatch(first.map((g) => g.observation()), this.net.observationSize));
        return { l: l.dataSync(), v: v.dataSync() };
      });
      let k = 0;
      for (const idx of missing.values()) {
        const mask = masks[k]!;
        const priors = new Float64Array(A);
        let max = -Infinity;
        for (let a = 0; a < A; a++) if (mask[a]) max = Math.max(max, logits.l[k * A + a]!);
        let z = 0;
        for (let a = 0; a < A; a++) if (mask[a]) z += priors[a] = Math.exp(logits.l[k * A + a]! - max);
        for (let a = 0; a < A; a++) priors[a]! /= z;
        const evaluation = { priors, value: logits.v[k]! };
        this.cache.set(games[idx[0]!]!.key(), evaluation);
        for (const i of idx) out[i] = evaluation;
        k++;
      }
      this.evaluations += missing.size;
    }
    return out as Evaluation[];
  }
}

// ---------------------------------------------------------------------------------------------------
// 2. PUCT search.

/** A searched position: per legal action a prior P(s, a), a visit count N(s, a) and a sum of values W(s, a). */
export class PUCTNode {
  readonly visits: Float64Array;
  readonly valueSums: Float64Array;
  readonly children: (PUCTNode | null)[];
  /** N(s) = Σ_a N(s, a). */
  total = 0;

  constructor(readonly actions: readonly number[], readonly priors: Float64Array) {
    if (priors.length !== actions.length) throw new Error(`PUCTNode: ${actions.length} actions but ${priors.length} priors`);
    this.visits = new Float64Array(actions.length);
    this.valueSums = new Float64Array(actions.length);
    this.children = actions.map(() => null);
  }
}

/**
 * PUCT scores Q(s, a) + c·P(s, a)·√N(s) / (1 + N(s, a)) of each legal action (AlphaGo Zero, Methods,
 * "Select"), with Q(s, a) = W(s, a) / N(s, a) for the player to move at s and 0 for an unvisited action.
 * √N(s) is taken as √max(N(s), 1), so the first simulation through a node follows its largest prior.
 */
export function puctScores(node: PUCTNode, cPuct: number): number[] {
  const sqrtTotal = Math.sqrt(Math.max(node.total, 1));
  return node.actions.map((_, i) => {
    const n = node.visits[i]!;
    const q = n > 0 ? node.valueSums[i]! / n : 0;
    return q + (cPuct * node.priors[i]! * sqrtTotal) / (1 + n);
  });
}

/** Index (into `node.actions`) of the largest PUCT score; the first one on ties. */
export function selectPUCT(node: PUCTNode, cPuct: number): number {
  const scores = puctScores(node, cPuct);
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}

/** A Gamma(shape, 1) draw by Marsaglia & Tsang (2000), with the shape < 1 boost x·U^(1/shape). */
export function sampleGamma(shape: number, generator: Generator): number {
  if (!(shape > 0)) throw new Error(`sampleGamma: shape must be > 0, got ${shape}`);
  if (shape < 1) return sampleGamma(shape + 1, generator) * Math.pow(generator.random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = generator.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = generator.random();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Dirichlet(α, …, α) draw of `k` probabilities: normalized Gamma(α) draws. */
export function sampleDirichlet(alpha: number, k: number, generator: Generator): number[] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`sampleDirichlet: k must be an integer ≥ 1, got ${k}`);
  const g = Array.from({ length: k }, () => sampleGamma(alpha, generator));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((x) => x / sum);
}

/** Root exploration noise: P ← (1 − ε)·P + ε·η with η ~ Dir(α) (AlphaZero: ε = 0.25; α = 0.3 chess, 0.03 Go). */
export function addDirichletNoise(priors: Float64Array, alpha: number, epsilon: number, generator: Generator): Float64Array {
  if (!(epsilon >= 0 && epsilon <= 1)) throw new Error(`addDirichletNoise: epsilon must be in [0, 1], got ${epsilon}`);
  const eta = sampleDirichlet(alpha, priors.length, generator);
  return priors.map((p, i) => (1 - epsilon) * p + epsilon * eta[i]!);
}

/** Options of AlphaZero's PUCT search: the exploration constant c_puct and the optional Dirichlet noise at the root. */
export interface SearchOptions {
  /** c in the PUCT score. */
  cPuct: number;
  /** Dirichlet noise mixed into the root priors (self-play only). */
  noise?: { alpha: number; epsilon: number; generator: Generator };
}

/**
 * One search tree, advanced one simulation at a time so that many trees can share a batched network call:
 * `selectLeaf()` descends by PUCT to a position not yet evaluated (the tree's own copy of the game, left at
 * that position) and `expandAndBackup(evaluation)` adds it and backs its value up. A simulation that reaches
 * the end of the game is backed up at once with the true outcome (`selectLeaf` returns null). The first call
 * returns the root itself; its evaluation is when root noise is mixed in (no other node gets noise), and
 * every later simulation adds one visit to a root action.
 */
export class PUCTSearch {
  /** The tree's own copy of the position (moved down and back during each simulation). */
  readonly game: PerfectInformationGame;
  root: PUCTNode | null = null;
  /** Simulations run from the root so far (the root's own evaluation is not one). */
  simulations = 0;
  private readonly path: [PUCTNode, number][] = [];
  private pending = false;

  constructor(game: PerfectInformationGame, readonly options: SearchOptions) {
    if (game.isTerminal()) throw new Error(`PUCTSearch: the ${game.name} game is over, there is no move to search\n${game.toString()}`);
    if (!(options.cPuct >= 0)) throw new Error(`PUCTSearch: cPuct must be ≥ 0, got ${options.cPuct}`);
    this.game = game.clone();
  }

  selectLeaf(): PerfectInformationGame | null {
    if (this.pending) throw new Error("PUCTSearch.selectLeaf: the previous leaf has not been expanded (call expandAndBackup first)");
    this.path.length = 0;
    this.pending = true;
    if (this.root === null) return this.game;
    let node = this.root;
    for (;;) {
      const i = selectPUCT(node, this.options.cPuct);
      this.path.push([node, i]);
      this.game.play(node.actions[i]!);
      if (this.game.isTerminal()) {
        this.backup(this.game.returns()[this.game.currentPlayer]!);
        return null;
      }
      const child = node.children[i];
      if (child === null || child === undefined) return this.game;
      node = child;
    }
  }

  expandAndBackup(evaluation: Evaluation): void {
    if (!this.pending) throw new Error("PUCTSearch.expandAndBackup: no leaf is waiting (call selectLeaf first)");
    const actions = this.game.legalActions();
    let priors: Float64Array = Float64Array.from(actions, (a) => evaluation.priors[a]!);
    const isRoot = this.path.length === 0;
    const noise = this.options.noise;
    if (isRoot && noise !== undefined) priors = addDirichletNoise(priors, noise.alpha, noise.epsilon, noise.generator);
    const node = new PUCTNode(actions, priors);
    if (isRoot) this.root = node;
    else {
      const [parent, i] = this.path[this.path.length - 1]!;
      parent.children[i] = node;
    }
    this.backup(evaluation.value);
  }

  /** Backs up `value` (for the player to move at the leaf) along the path, negating it at each ply, and undoes the moves. */
  private backup(value: number): void {
    let v = value;
    for (let k = this.path.length - 1; k >= 0; k--) {
      v = -v; // the edge belongs to the player who moved, the leaf's opponent one ply up
      const [node, i] = this.path[k]!;
      node.visits[i]!++;
      node.valueSums[i]! += v;
      node.total++;
      this.game.undo();
    }
    if (this.path.length > 0) this.simulations++;
    this.pending = false;
  }

  /** Q(root) = Σ_a W(root, a) / Σ_a N(root, a) for the player to move at the root; 0 before any simulation. */
  rootValue(): number {
    const root = this.root;
    if (root === null || root.total === 0) return 0;
    let w = 0;
    for (let i = 0; i < root.actions.length; i++) w += root.valueSums[i]!;
    return w / root.total;
  }

  /** N(root, a) for every action a (0 for illegal ones), length numDistinctActions. */
  visitCounts(): number[] {
    const counts = new Array<number>(this.game.numDistinctActions).fill(0);
    if (this.root) this.root.actions.forEach((a, i) => (counts[a] = this.root!.visits[i]!));
    return counts;
  }
}

/**
 * Runs `simulations` simulations in each of `searches` (after evaluating the roots not yet evaluated, as the
 * AlphaZero pseudocode does), whose evaluations `evaluatorOf(i)` provides; the leaves of all trees that share
 * an evaluator go through it together, one batch per simulation step. Each simulation adds one root visit.
 */
export function runSearches(searches: readonly PUCTSearch[], evaluatorOf: (index: number) => Evaluator, simulations: number): void {
  if (!Number.isInteger(simulations) || simulations < 0) throw new Error(`runSearches: simulations must be an integer ≥ 0, got ${simulations}`);
  const fresh = searches.some((s) => s.root === null);
  for (let s = fresh ? -1 : 0; s < simulations; s++) {
    const groups = new Map<Evaluator, { search: PUCTSearch; leaf: PerfectInformationGame }[]>();
    searches.forEach((search, i) => {
      if (s < 0 && search.root !== null) return; // step −1 evaluates the new roots only
      const leaf = search.selectLeaf();
      if (leaf === null) return;
      const evaluator = evaluatorOf(i);
      const group = groups.get(evaluator);
      if (group) group.push({ search, leaf });
      else groups.set(evaluator, [{ search, leaf }]);
    });
    for (const [evaluator, group] of groups) {
      const evaluations = evaluator.evaluate(group.map((g) => g.leaf));
      group.forEach((g, k) => g.search.expandAndBackup(evaluations[k]!));
    }
  }
}

/**
 * A move from root visit counts: with temperature τ > 0 drawn with probability ∝ N^(1/τ); with τ = 0 the
 * most visited action (the first on ties).
 */
export function chooseMove(visits: readonly number[], temperature: number, generator: Generator): number {
  if (!(temperature >= 0)) throw new Error(`chooseMove: temperature must be ≥ 0, got ${temperature}`);
  if (!visits.some((n) => n > 0)) throw new Error(`chooseMove: no action has been visited (visits ${JSON.stringify(visits)}); run at least one simulation`);
  if (temperature === 0) {
    let best = 0;
    for (let a = 1; a < visits.length; a++) if (visits[a]! > visits[best]!) best = a;
    return best;
  }
  const max = Math.max(...visits);
  return generator.categorical(visits.map((n) => Math.pow(n / max, 1 / temperature)));
}

// ---------------------------------------------------------------------------------------------------
// 3. Playing games: self-play, arena matches and evaluation, many games in lockstep.

/** How one side of a game chooses its moves: PUCT search with an evaluator, or any `Player`. */
export type Side =
  | {
      kind: "search";
      evaluator: Evaluator;
      simulations: number;
      cPuct: number;
      /** Dirichlet noise at the root (α, ε); none when absent. */
      noise?: { alpha: number; epsilon: number };
      /** Moves (counted from the start of the game) played with temperature 1; later moves take the most visited action. */
      temperatureMoves: number;
    }
  | { kind: "player"; player: Player };

/** One position of a finished self-play game, from the point of view of the player to move there. */
export interface Sample {
  observation: number[];
  legalMask: number[];
  /** Root visit distribution N(s, ·)/N(s). */
  policy: number[];
  /** Final outcome for the player to move: +1 win, 0 draw, −1 loss. */
  value: number;
  /**
   * The search's own estimate there: the mean value of the root's simulations, Σ_a W(s, a) / Σ_a N(s, a), for the
   * player to move (recorded by self-play; the `"average"` value target uses it).
   */
  searchValue?: number;
}

/** One self-play game: its moves, the returns, and the training samples (position, visit distribution, outcome) it produced. */
export interface PlayedGame {
  moves: number[];
  returns: [number, number];
  /** The positions where a search side moved, with their targets (when recording). */
  samples: Sample[];
}

/**
 * Plays `count` games from `newGame()` with `sidesOf(i)` = [side of player 0, side of player 1] for game i,
 * all in lockstep so that each simulation step evaluates the leaves of every game at once. Randomness (noise,
 * temperature) comes from `generator`; `record` keeps the search sides' positions as training samples.
 */
export function playGames(
  newGame: () => PerfectInformationGame,
  count: number,
  sidesOf: (index: number) => readonly [Side, Side],
  generator: Generator,
  record = false,
): PlayedGame[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`playGames: count must be an integer ≥ 0, got ${count}`);
  const games = Array.from({ length: count }, () => newGame());
  const sides = Array.from({ length: count }, (_, i) => sidesOf(i));
  const pending: { player: number; observation: number[]; legalMask: number[]; policy: number[]; searchValue: number }[][] = games.map(() => []);
  const moves: number[][] = games.map(() => []);
  for (;;) {
    const active = games.map((_, i) => i).filter((i) => !games[i]!.isTerminal());
    if (active.length === 0) break;
    const searching: { index: number; side: Extract<Side, { kind: "search" }> }[] = [];
    for (const i of active) {
      const side = sides[i]![games[i]!.currentPlayer]!;
      if (side.kind === "player") {
        const action = side.player(games[i]!);
        if (!games[i]!.legalActions().includes(action)) throw new Error(`playGames: a player chose illegal action ${action} in\n${games[i]!.toString()}`);
        games[i]!.play(action);
        moves[i]!.push(action);
      } else searching.push({ index: i, side });
    }
    if (searching.length === 0) continue;
    // Searches with different budgets run together for the smallest budget, then the rest continue.
    const searches = searching.map(({ index, side }) =>
      new PUCTSearch(games[index]!, { cPuct: side.cPuct, ...(side.noise ? { noise: { ...side.noise, generator } } : {}) }),
    );
    const budgets = [...new Set(searching.map((s) => s.side.simulations))].sort((a, b) => a - b);
    let done = 0;
    for (const budget of budgets) {
      const open = searches.filter((_, k) => searching[k]!.side.simulations >= budget);
      const evaluators = searching.filter((s) => s.side.simulations >= budget).map((s) => s.side.evaluator);
      runSearches(open, (k) => evaluators[k]!, budget - done);
      done = budget;
    }
    searching.forEach(({ index, side }, k) => {
      const game = games[index]!;
      const visits = searches[k]!.visitCounts();
      const total = visits.reduce((a, b) => a + b, 0);
      if (record) {
        pending[index]!.push({ player: game.currentPlayer, observation: game.observation(), legalMask: game.legalActionsMask(), policy: visits.map((n) => n / total), searchValue: searches[k]!.rootValue() });
      }
      const action = chooseMove(visits, game.moveCount < side.temperatureMoves ? 1 : 0, generator);
      game.play(action);
      moves[index]!.push(action);
    });
  }
  return games.map((game, i) => {
    const returns = game.returns();
    return { moves: moves[i]!, returns, samples: pending[i]!.map(({ player, ...s }) => ({ ...s, value: returns[player]! })) };
  });
}

/** Wins, draws and losses of a search side against an opponent, over `games` games with the searcher first in the first half (rounded up). */
export function matchResult(
  newGame: () => PerfectInformationGame,
  searcher: Side,
  opponent: Side,
  games: number,
  generator: Generator,
): { wins: number; draws: number; losses: number; score: number } {
  if (!Number.isInteger(games) || games < 1) throw new Error(`matchResult: games must be an integer ≥ 1, got ${games}`);
  const firstHalf = Math.ceil(games / 2);
  const played = playGames(newGame, games, (i) => (i < firstHalf ? [searcher, opponent] : [opponent, searcher]), generator);
  const tally = { wins: 0, draws: 0, losses: 0 };
  played.forEach((g, i) => {
    const mine = g.returns[i < firstHalf ? 0 : 1];
    if (mine > 0) tally.wins++;
    else if (mine < 0) tally.losses++;
    else tally.draws++;
  });
  return { ...tally, score: (tally.wins + tally.draws / 2) / games };
}

// ---------------------------------------------------------------------------------------------------
// 4. Symmetries (data augmentation) and the loss.

/** A symmetry of the board: observation cell i (row-major within a plane) goes to `cells[i]`, action a to `actions[a]`. */
export interface BoardSymmetry {
  cells: number[];
  actions: number[];
}

/**
 * The symmetries of a game's rules that `augment` uses: the 8 of the square (rotations and reflections) for
 * tic-tac-toe, the left–right mirror for Connect Four, and only the identity for other games. Identity first.
 */
export function boardSymmetries(game: PerfectInformationGame): BoardSymmetry[] {
  const [, h, w] = game.observationShape;
  const grid = (f: (r: number, c: number) => [number, number]): number[] =>
    Array.from({ length: h * w }, (_, i) => {
      const [r, c] = f(Math.floor(i / w), i % w);
      return r * w + c;
    });
  const identity = Array.from({ length: h * w }, (_, i) => i);
  if (game instanceof TicTacToe) {
    const n = 2;
    const maps: ((r: number, c: number) => [number, number])[] = [
      (r, c) => [r, c], (r, c) => [c, n - r], (r, c) => [n - r, n - c], (r, c) => [n - c, r],
      (r, c) => [r, n - c], (r, c) => [n - r, c], (r, c) => [c, r], (r, c) => [n - c, n - r],
    ];
    return maps.map((f) => {
      const cells = grid(f);
      return { cells, actions: cells };
    });
  }
  if (game instanceof ConnectFour) {
    const cols = ConnectFour.columns;
    return [
      { cells: identity, actions: Array.from({ length: cols }, (_, a) => a) },
      { cells: grid((r, c) => [r, cols - 1 - c]), actions: Array.from({ length: cols }, (_, a) => cols - 1 - a) },
    ];
  }
  return [{ cells: identity, actions: Array.from({ length: game.numDistinctActions }, (_, a) => a) }];
}

/** The sample as seen through `symmetry`: every observation plane's cells and the policy and mask entries moved. */
export function transformSample(sample: Sample, symmetry: BoardSymmetry): Sample {
  const planeSize = symmetry.cells.length;
  const observation = new Array<number>(sample.observation.length).fill(0);
  for (let p = 0; p * planeSize < sample.observation.length; p++) {
    for (let i = 0; i < planeSize; i++) observation[p * planeSize + symmetry.cells[i]!] = sample.observation[p * planeSize + i]!;
  }
  const policy = new Array<number>(sample.policy.length).fill(0);
  const legalMask = new Array<number>(sample.legalMask.length).fill(0);
  for (let a = 0; a < sample.policy.length; a++) {
    policy[symmetry.actions[a]!] = sample.policy[a]!;
    legalMask[symmetry.actions[a]!] = sample.legalMask[a]!;
  }
  return { ...sample, observation, legalMask, policy };
}

/**
 * The AlphaZero loss without its weight-decay term (that one the optimizer adds):
 * l = (z − v)² − πᵀ log p, averaged over the batch, with p = softmax(masked logits). Returns the total and
 * its two parts.
 */
export function alphaZeroLoss(logits: Tensor, values: Tensor, targetPolicies: Tensor, targetValues: Tensor): { loss: Tensor; policyLoss: Tensor; valueLoss: Tensor } {
  if (logits.shape.join() !== targetPolicies.shape.join()) throw new Error(`alphaZeroLoss: logits [${logits.shape.join(", ")}] and target policies [${targetPolicies.shape.join(", ")}] differ in shape`);
  if (values.shape.join() !== targetValues.shape.join()) throw new Error(`alphaZeroLoss: values [${values.shape.join(", ")}] and target values [${targetValues.shape.join(", ")}] differ in shape`);
  const policyLoss = targetPolicies.mul(logits.logSoftmax(1)).sum(1).mean().neg();
  const valueLoss = values.sub(targetValues).square().mean();
  return { loss: policyLoss.add(valueLoss), policyLoss, valueLoss };
}

// ---------------------------------------------------------------------------------------------------
// 5. The training loop.

/** Hyperparameters. Defaults are sized for tic-tac-toe. */
export interface AlphaZeroConfig {
  /** Rounds of self-play → training → arena. */
  iterations: number;
  /** Self-play games per iteration, played by the best network. */
  selfPlayGames: number;
  /** PUCT simulations per move in self-play and in the arena. */
  simulations: number;
  cPuct: number;
  /** Root noise Dir(α) mixed in with weight ε (AlphaZero: ε = 0.25, α ≈ 10 / typical number of legal moves). */
  dirichletAlpha: number;
  dirichletEpsilon: number;
  /** Self-play moves with temperature 1 (visit-proportional); later moves take the most visited action. */
  temperatureMoves: number;
  /** Replay: training samples come from the positions of the most recent this many self-play games. */
  replayGames: number;
  batchSize: number;
  /** Gradient steps per iteration. */
  trainSteps: number;
  learningRate: number;
  /**
   * When set, the learning rate follows a cosine from `learningRate` at the first iteration down to this value at the
   * last (one rate per iteration); unset, it stays at `learningRate`.
   */
  learningRateFinal?: number;
  /** L2 penalty c·‖θ‖² as in the papers, added to the gradient by Adam (c = weightDecay / 2). */
  weightDecay: number;
  /** Trunk layer sizes (ReLU). */
  hidden: number[];
  /**
   * A convolutional first layer over the game's observation planes (see `PolicyValueConv`); none when absent.
   * Only for games whose `observationShape` is (planes, rows, columns).
   */
  conv?: { channels: number; kernelSize: number };
  /**
   * Games of each arena match (half with each colour); the trained network becomes the best one when it scores
   * ≥ `arenaThreshold`. 0: no arena, the trained network plays the next self-play games at once (AlphaZero's
   * continual update instead of AlphaGo Zero's gating).
   */
  arenaGames: number;
  /** Required score (wins + draws / 2) / games; AlphaGo Zero: 55 %. */
  arenaThreshold: number;
  /** Arena moves with temperature 1 at the start of each game, so that the games differ. */
  arenaTemperatureMoves: number;
  /** Train on a random board symmetry of each sample (`boardSymmetries`). */
  augment: boolean;
  /**
   * The value head's target: `"outcome"` (AlphaZero's z, the game's result) or `"average"` ((z + q) / 2 with q the
   * root search value of that position, which lowers the target's variance early in training; Prasad 2019,
   * "Lessons from implementing AlphaZero", for Connect Four). Default `"outcome"`.
   */
  valueTarget?: "outcome" | "average";
  seed: number;
}

/** The default AlphaZero configuration (iterations, games, simulations, network and training sizes) that the tic-tac-toe experiment uses. */
export const alphaZeroDefaults: AlphaZeroConfig = {
  iterations: 40,
  selfPlayGames: 50,
  simulations: 50,
  cPuct: 1.5,
  dirichletAlpha: 1,
  dirichletEpsilon: 0.25,
  temperatureMoves: 4,
  replayGames: 500,
  batchSize: 64,
  trainSteps: 200,
  learningRate: 1e-3,
  weightDecay: 1e-4,
  hidden: [64, 64],
  arenaGames: 20,
  arenaThreshold: 0.55,
  arenaTemperatureMoves: 2,
  augment: true,
  seed: 1,
};

/** What happened in one iteration. */
export interface AlphaZeroIteration {
  iteration: number;
  /** Self-play games played so far, all iterations. */
  selfPlayGames: number;
  /** Mean policy cross-entropy and value MSE over the iteration's gradient steps. */
  policyLoss: number;
  valueLoss: number;
  /** The trained network's arena score against the best network; NaN without an arena (`arenaGames` 0). */
  arenaScore: number;
  /** Adam's learning rate during this iteration's gradient steps. */
  learningRate: number;
  accepted: boolean;
  seconds: number;
}

/** What AlphaZero training returns: the best (gated) network, the trainee, per-iteration history, self-play games played, networks accepted and seconds. */
export interface AlphaZeroResult {
  /** The best network (the one that passed the last gating). */
  best: PolicyValueNet;
  /** The network being trained (may be ahead of `best` when its last arena failed). */
  trainee: PolicyValueNet;
  history: AlphaZeroIteration[];
  selfPlayGames: number;
  /** Networks that passed the gate. */
  acceptances: number;
  seconds: number;
}

/** A side that moves by PUCT search with `evaluator`, without noise: visit-proportional for the first `temperatureMoves` moves of the game, then the most visited move. */
export function searchSide(evaluator: Evaluator, simulations: number, cPuct: number, temperatureMoves = 0): Side {
  return { kind: "search", evaluator, simulations, cPuct, temperatureMoves };
}

/** A `Player` (one game at a time) that moves by `simulations` PUCT simulations with `net` and takes the most visited action. */
export function alphaZeroPlayer(net: PolicyValueNet, simulations: number, cPuct = alphaZeroDefaults.cPuct): Player {
  const evaluator = new NetworkEvaluator(net);
  const unused = new Generator(0); // temperature 0 draws nothing
  return (game) => {
    const search = new PUCTSearch(game, { cPuct });
    runSearches([search], () => evaluator, simulations);
    return chooseMove(search.visitCounts(), 0, unused);
  };
}

/**
 * Trains AlphaZero on games from `newGame()`: each iteration the best network plays `selfPlayGames` games
 * against itself; the trainee takes `trainSteps` Adam steps on batches drawn from the replay of recent games;
 * then the trainee plays an arena match against the best network and replaces it when it scores
 * ≥ `arenaThreshold`. `afterIteration` may evaluate the best network (e.g. against minimax). Same config
 * (seed included), same run.
 */
export function trainAlphaZero(
  newGame: () => PerfectInformationGame,
  config: Partial<AlphaZeroConfig> = {},
  log: (line: string) => void = () => {},
  afterIteration?: (best: PolicyValueNet, iteration: AlphaZeroIteration) => void,
): AlphaZeroResult {
  const cfg: AlphaZeroConfig = { ...alphaZeroDefaults, ...config };
  for (const key of ["iterations", "selfPlayGames", "simulations", "batchSize", "replayGames"] as const) {
    if (!Number.isInteger(cfg[key]) || cfg[key] < 1) throw new Error(`trainAlphaZero: ${key} must be an integer ≥ 1, got ${cfg[key]}`);
  }
  for (const key of ["trainSteps", "arenaGames"] as const) {
    if (!Number.isInteger(cfg[key]) || cfg[key] < 0) throw new Error(`trainAlphaZero: ${key} must be an integer ≥ 0, got ${cfg[key]}`);
  }
  if (cfg.learningRateFinal !== undefined && !(cfg.learningRateFinal >= 0 && cfg.learningRateFinal <= cfg.learningRate)) {
    throw new Error(`trainAlphaZero: learningRateFinal must be in [0, learningRate = ${cfg.learningRate}], got ${cfg.learningRateFinal}`);
  }
  if (cfg.valueTarget !== undefined && cfg.valueTarget !== "outcome" && cfg.valueTarget !== "average") {
    throw new Error(`trainAlphaZero: valueTarget must be "outcome" or "average", got ${JSON.stringify(cfg.valueTarget)}`);
  }
  const start = performance.now();
  const probe = newGame();
  const observationSize = probe.observationShape.reduce((a, b) => a * b, 1);
  const numActions = probe.numDistinctActions;
  const symmetries = cfg.augment ? boardSymmetries(probe) : [];
  let conv: PolicyValueConv | undefined;
  if (cfg.conv !== undefined) {
    const shape = probe.observationShape;
    if (shape.length !== 3) throw new Error(`trainAlphaZero: conv needs observations of shape (planes, rows, columns), ${probe.name} has [${shape.join(", ")}]`);
    conv = { inputShape: [shape[0]!, shape[1]!, shape[2]!], ...cfg.conv };
  }

  // Seeding: one generator for the weights, noise, temperature, replay sampling and symmetries.
  const rng = new Generator(cfg.seed);
  const trainee = new PolicyValueNet(observationSize, numActions, cfg.hidden, rng, conv);
  const best = new PolicyValueNet(observationSize, numActions, cfg.hidden, rng, conv);
  copyWeights(best, trainee);
  const bestEvaluator = new NetworkEvaluator(best);
  const optimizer = new Adam(trainee.parameters(), { lr: cfg.learningRate, weightDecay: cfg.weightDecay });
  const replay: Sample[][] = [];
  const history: AlphaZeroIteration[] = [];
  let selfPlayGames = 0;
  let acceptances = 0;

  for (let it = 1; it <= cfg.iterations; it++) {
    // 1. Self-play by the best network, with root noise and the temperature schedule.
    const selfSide: Side = {
      kind: "search", evaluator: bestEvaluator, simulations: cfg.simulations, cPuct: cfg.cPuct,
      noise: { alpha: cfg.dirichletAlpha, epsilon: cfg.dirichletEpsilon }, temperatureMoves: cfg.temperatureMoves,
    };
    for (const g of playGames(newGame, cfg.selfPlayGames, () => [selfSide, selfSide], rng, true)) replay.push(g.samples);
    selfPlayGames += cfg.selfPlayGames;
    replay.splice(0, Math.max(0, replay.length - cfg.replayGames));
    const samples = replay.flat();

    // 2. Training: cross-entropy to the visit distribution + MSE to the outcome (+ weight decay in Adam).
    if (cfg.learningRateFinal !== undefined) {
      const progress = cfg.iterations > 1 ? (it - 1) / (cfg.iterations - 1) : 1;
      const lr = cfg.learningRateFinal + ((cfg.learningRate - cfg.learningRateFinal) * (1 + Math.cos(Math.PI * progress))) / 2;
      for (const group of optimizer.paramGroups) group.lr = lr;
    }
    let policySum = 0;
    let valueSum = 0;
    for (let step = 0; step < cfg.trainSteps; step++) {
      const batch = Array.from({ length: cfg.batchSize }, () => {
        const s = samples[rng.randint(0, samples.length)]!;
        return symmetries.length > 1 ? transformSample(s, symmetries[rng.randint(0, symmetries.length)]!) : s;
      });
      const B = batch.length;
      const obs = observationBatch(batch.map((s) => s.observation), observationSize);
      const mask = tensor(Float32Array.from(batch.flatMap((s) => s.legalMask)), { shape: [B, numActions] });
      const pi = tensor(Float32Array.from(batch.flatMap((s) => s.policy)), { shape: [B, numActions] });
      const average = cfg.valueTarget === "average";
      const z = tensor(Float32Array.from(batch.map((s) => (average && s.searchValue !== undefined ? (s.value + s.searchValue) / 2 : s.value))), { shape: [B] });
      const [logits, v] = trainee.call(obs, mask);
      const { loss, policyLoss, valueLoss } = alphaZeroLoss(logits, v, pi, z);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      policySum += policyLoss.item();
      valueSum += valueLoss.item();
    }

    // 3. Arena: the trainee against the best network; the trainee replaces it at ≥ arenaThreshold (always without an arena).
    const arena = cfg.arenaGames === 0
      ? { wins: 0, draws: 0, losses: 0, score: NaN }
      : matchResult(
          newGame,
          searchSide(new NetworkEvaluator(trainee), cfg.simulations, cfg.cPuct, cfg.arenaTemperatureMoves),
          searchSide(bestEvaluator, cfg.simulations, cfg.cPuct, cfg.arenaTemperatureMoves),
          cfg.arenaGames,
          rng,
        );
    const accepted = cfg.arenaGames === 0 || arena.score >= cfg.arenaThreshold;
    if (accepted) {
      copyWeights(best, trainee);
      bestEvaluator.clearCache();
      acceptances++;
    }
    const record: AlphaZeroIteration = {
      iteration: it,
      selfPlayGames,
      policyLoss: cfg.trainSteps > 0 ? policySum / cfg.trainSteps : NaN,
      valueLoss: cfg.trainSteps > 0 ? valueSum / cfg.trainSteps : NaN,
      arenaScore: arena.score,
      learningRate: optimizer.paramGroups[0]!.lr,
      accepted,
      seconds: (performance.now() - start) / 1000,
    };
    history.push(record);
    log(
      `AlphaZero iteration ${it}: ${samples.length} samples, policy loss ${record.policyLoss.toFixed(3)}, value loss ${record.valueLoss.toFixed(3)}, ` +
        (cfg.arenaGames === 0 ? "no arena" : `arena ${arena.wins}-${arena.draws}-${arena.losses} (score ${arena.score.toFixed(2)}) ${accepted ? "accepted" : "rejected"}`) +
        ` (${record.seconds.toFixed(1)} s)`,
    );
    afterIteration?.(best, record);
  }
  return { best, trainee, history, selfPlayGames, acceptances, seconds: (performance.now() - start) / 1000 };
}
