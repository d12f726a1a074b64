// Monte Carlo tree search with UCT (UCB1 applied to trees) and uniformly random rollouts.

import { Generator } from "../random/Generator.js";
import type { PerfectInformationGame } from "./PerfectInformationGame.js";
import type { Player } from "./players.js";

/** Options of UCT search: simulations per move, the exploration constant, and the random stream (or its seed) of the rollouts. */
export interface MCTSOptions {
  /** Simulations (selection, expansion, rollout, backup) per search. Default 1000. */
  simulations?: number;
  /**
   * The exploration constant c of UCB1 over rewards in [0, 1] (win 1, draw ½, loss 0):
   * a child is scored x̄ + c·√(ln N / n). Default √2 (Auer et al. 2002; Kocsis & Szepesvári 2006).
   */
  exploration?: number;
  /** Random stream for the expansion order and the rollouts; same stream state, same search. */
  generator?: Generator;
  /** Seed of a fresh generator when `generator` is not given. Default 0. */
  seed?: number;
}

/** What a search returns: the chosen action, the root's visit counts and value estimates, and the simulations run. */
export interface MCTSResult {
  /** The most visited root action (the first in increasing order on ties). */
  action: number;
  /** Visits of each root action, length `numDistinctActions` (0 for illegal actions). */
  visits: number[];
  /** Mean reward in [−1, 1] of each root action for the player to move at the root (0 when unvisited or illegal). */
  values: number[];
  simulations: number;
}

/** A node: the position reached by a sequence of moves from the root; statistics are per legal action. */
class UctNode {
  readonly actions: number[];
  readonly children: (UctNode | null)[];
  readonly visits: Float64Array;
  /** Sum of rewards in [0, 1] for the player to move at this node. */
  readonly rewards: Float64Array;
  total = 0;
  /** Actions not yet expanded are `actions[expanded..]`, in a random order fixed at creation. */
  expanded = 0;

  constructor(game: PerfectInformationGame, generator: Generator) {
    const legal = game.legalActions();
    // Fisher–Yates shuffle: the order in which untried actions are expanded.
    for (let i = legal.length - 1; i > 0; i--) {
      const j = generator.randint(0, i + 1);
      [legal[i], legal[j]] = [legal[j]!, legal[i]!];
    }
    this.actions = legal;
    this.children = legal.map(() => null);
    this.visits = new Float64Array(legal.length);
    this.rewards = new Float64Array(legal.length);
  }

  /** Index of the child with the largest UCB1 score (all children tried). */
  select(c: number): number {
    const logN = Math.log(this.total);
    let best = 0;
    let bestScore = -Infinity;
    for (let i = 0; i < this.actions.length; i++) {
      const n = this.visits[i]!;
      const score = this.rewards[i]! / n + c * Math.sqrt(logN / n);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }
}

/** Reward in [0, 1] of the final position for `player`: win 1, draw ½, loss 0. */
function reward(game: PerfectInformationGame, player: number): number {
  return (game.returns()[player]! + 1) / 2;
}

/**
 * Upper Confidence bounds applied to Trees (Kocsis & Szepesvári 2006, "Bandit based Monte-Carlo Planning";
 * Browne et al. 2012, "A Survey of Monte Carlo Tree Search Methods", Algorithm 2). Each simulation descends
 * through fully expanded nodes by UCB1, adds one new child, finishes the game with uniformly random moves,
 * and adds the result to every node on the way (as a reward for the player who moved into it). The move
 * returned is the most visited root action.
 *
 * The game is played and undone in place and is back in its starting position on return.
 */
export function mcts(game: PerfectInformationGame, options: MCTSOptions = {}): MCTSResult {
  const simulations = options.simulations ?? 1000;
  const c = options.exploration ?? Math.SQRT2;
  if (!Number.isInteger(simulations) || simulations < 1) throw new Error(`mcts: simulations must be an integer ≥ 1, got ${simulations}`);
  if (!(c >= 0)) throw new Error(`mcts: exploration must be ≥ 0, got ${c}`);
  if (game.isTerminal()) throw new Error(`mcts: the ${game.name} game is over, there is no move to search\n${game.toString()}`);
  const generator = options.generator ?? new Generator(options.seed ?? 0);
  const root = new UctNode(game, generator);
  const path: [UctNode, number, number][] = []; // (node, child index, player to move at node)

  for (let sim = 0; sim < simulations; sim++) {
    // 1. Selection: descend while the node is fully expanded and not terminal.
    let node = root;
    let depth = 0;
    path.length = 0;
    while (node.actions.length > 0 && node.expanded === node.actions.length) {
      const i = node.select(c);
      path.push([node, i, game.currentPlayer]);
      game.play(node.actions[i]!);
      depth++;
      node = node.children[i]!;
    }
    // 2. Expansion: one untried action, in the node's random order.
    if (node.expanded < node.actions.length) {
      const i = node.expanded++;
      path.push([node, i, game.currentPlayer]);
      game.play(node.actions[i]!);
      depth++;
      node.children[i] = new UctNode(game, generator);
    }
    // 3. Rollout: uniformly random moves to the end of the game.
    let rolled = 0;
    while (!game.isTerminal()) {
      const actions = game.legalActions();
      game.play(actions[generator.randint(0, actions.length)]!);
      rolled++;
    }
    // 4. Backup: each edge gets the reward of the player who chose it.
    const r0 = reward(game, 0);
    for (const [n, i, player] of path) {
      n.visits[i]!++;
      n.rewards[i]! += player === 0 ? r0 : 1 - r0;
      n.total++;
    }
    for (let k = 0; k < rolled + depth; k++) game.undo();
  }

  const visits = new Array<number>(game.numDistinctActions).fill(0);
  const values = new Array<number>(game.numDistinctActions).fill(0);
  let action = -1;
  for (let i = 0; i < root.actions.length; i++) {
    const a = root.actions[i]!;
    visits[a] = root.visits[i]!;
    values[a] = root.visits[i]! > 0 ? (2 * root.rewards[i]!) / root.visits[i]! - 1 : 0;
  }
  for (const a of game.legalActions()) if (action < 0 || visits[a]! > visits[action]!) action = a;
  return { action, visits, values, simulations };
}

/** A player that moves by `mcts` with `options`, drawing from one generator across moves (seeded by `options.seed`). */
export function mctsPlayer(options: MCTSOptions = {}): Player {
  const generator = options.generator ?? new Generator(options.seed ?? 0);
  return (game) => mcts(game, { ...options, generator }).action;
}
