// Exact expected values, best responses, NashConv and exploitability of a policy in an extensive-form game.

import { CHANCE, type ExtensiveFormGame, type Policy } from "./ExtensiveFormGame.js";

/** Probabilities the policy assigns at the information set of `state`; throws if it has none. */
function actionProbs<S>(game: ExtensiveFormGame<S>, policy: Policy, state: S, op: string): number[] {
  const key = game.infoSetKey(state);
  const probs = policy[key];
  const n = game.legalActions(state).length;
  if (!probs) throw new Error(`${op}: the policy has no entry for information set "${key}"`);
  if (probs.length !== n) throw new Error(`${op}: policy for "${key}" has ${probs.length} probabilities, the information set has ${n} actions`);
  return probs;
}

/** Expected utility of every player when all play `policy` (exact tree walk). */
export function expectedReturns<S>(game: ExtensiveFormGame<S>, policy: Policy): number[] {
  const walk = (state: S): number[] => {
    if (game.isTerminal(state)) return game.returns(state);
    const total = new Array<number>(game.numPlayers).fill(0);
    const branches: [number, number][] =
      game.currentPlayer(state) === CHANCE
        ? game.chanceOutcomes(state)
        : ((): [number, number][] => {
            const probs = actionProbs(game, policy, state, "expectedReturns");
            return game.legalActions(state).map((a, i) => [a, probs[i]!]);
          })();
    for (const [a, p] of branches) {
      if (p === 0) continue;
      const child = walk(game.nextState(state, a));
      for (let i = 0; i < total.length; i++) total[i]! += p * child[i]!;
    }
    return total;
  };
  return walk(game.initialState());
}

/** A pure best response and its value. */
export interface TreeBestResponse {
  /** Expected utility of `player` playing the best response against the others' policy. */
  value: number;
  /** The best response: a pure action (probability 1) at each of `player`'s reachable information sets. */
  policy: Policy;
}

/**
 * The best response of `player` to the other players' parts of `policy` (which need no entries for
 * `player`'s own information sets), computed exactly on the game tree.
 *
 * With perfect recall, the best action at an information set I maximizes
 * Σ_{h∈I} π_{−i}(h) · v_i(h·a), where π_{−i}(h) is the probability that chance and the opponents
 * reach h and v_i is the value of the subtree when `player` keeps best-responding below it.
 * Information sets deeper in the tree are resolved first by the recursion, and each choice is memoized.
 */
export function treeBestResponse<S>(game: ExtensiveFormGame<S>, policy: Policy, player: number): TreeBestResponse {
  if (!Number.isInteger(player) || player < 0 || player >= game.numPlayers) {
    throw new Error(`treeBestResponse: player must be 0..${game.numPlayers - 1}, got ${player}`);
  }
  // Phase 1: every state of each of `player`'s information sets, with its opponent-and-chance reach.
  const members = new Map<string, { state: S; reach: number }[]>();
  const collect = (state: S, reach: number): void => {
    if (game.isTerminal(state)) return;
    const actor = game.currentPlayer(state);
    if (actor === CHANCE) {
      for (const [a, p] of game.chanceOutcomes(state)) collect(game.nextState(state, a), reach * p);
    } else if (actor === player) {
      const key = game.infoSetKey(state);
      let list = members.get(key);
      if (!list) members.set(key, (list = []));
      list.push({ state, reach });
      for (const a of game.legalActions(state)) collect(game.nextState(state, a), reach);
    } else {
      const probs = actionProbs(game, policy, state, "treeBestResponse");
      game.legalActions(state).forEach((a, i) => collect(game.nextState(state, a), reach * probs[i]!));
    }
  };
  collect(game.initialState(), 1);

  // Phase 2: values under the best response, choosing actions information set by information set.
  const choice = new Map<string, number>();
  const value = (state: S): number => {
    if (game.isTerminal(state)) return game.returns(state)[player]!;
    const actor = game.currentPlayer(state);
    if (actor === CHANCE) {
      let v = 0;
      for (const [a, p] of game.chanceOutcomes(state)) v += p * value(game.nextState(state, a));
      return v;
    }
    if (actor === player) return value(game.nextState(state, bestAction(game.infoSetKey(state))));
    const probs = actionProbs(game, policy, state, "treeBestResponse");
    let v = 0;
    game.legalActions(state).forEach((a, i) => {
      if (probs[i]! > 0) v += probs[i]! * value(game.nextState(state, a));
    });
    return v;
  };
  const bestAction = (key: string): number => {
    const known = choice.get(key);
    if (known !== undefined) return known;
    const list = members.get(key)!;
    const actions = game.legalActions(list[0]!.state);
    let best = actions[0]!;
    let bestValue = -Infinity;
    for (const a of actions) {
      let v = 0;
      for (const { state, reach } of list) if (reach > 0) v += reach * value(game.nextState(state, a));
      if (v > bestValue) {
        bestValue = v;
        best = a;
      }
    }
    choice.set(key, best);
    return best;
  };

  const rootValue = value(game.initialState());
  const brPolicy: Policy = {};
  for (const key of members.keys()) {
    const actions = game.legalActions(members.get(key)![0]!.state);
    const a = bestAction(key);
    brPolicy[key] = actions.map((b) => (b === a ? 1 : 0));
  }
  return { value: rootValue, policy: brPolicy };
}

/**
 * NashConv = Σ_i [ value of i's best response − i's value under `policy` ] (Lanctot et al. 2017):
 * zero exactly at a Nash equilibrium.
 */
export function treeNashConv<S>(game: ExtensiveFormGame<S>, policy: Policy): number {
  const onPolicy = expectedReturns(game, policy);
  let total = 0;
  for (let i = 0; i < game.numPlayers; i++) total += treeBestResponse(game, policy, i).value - onPolicy[i]!;
  return total;
}

/**
 * Exploitability of a profile in a two-player zero-sum game: b₀(σ₁) + b₁(σ₀), the sum of the two
 * best-response values — how much two best responders would win in total against it; zero at an
 * equilibrium. It equals NashConv (the on-policy values cancel); OpenSpiel's `exploitability` is
 * half of it.
 */
export function treeExploitability<S>(game: ExtensiveFormGame<S>, policy: Policy): number {
  if (game.numPlayers !== 2) throw new Error(`treeExploitability: needs a two-player zero-sum game, "${game.name}" has ${game.numPlayers} players`);
  return treeBestResponse(game, policy, 0).value + treeBestResponse(game, policy, 1).value;
}
