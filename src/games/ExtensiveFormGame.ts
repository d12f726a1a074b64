// The interface of finite extensive-form games with chance and imperfect information (poker-like games).

/** `currentPlayer` of a chance node. */
export const CHANCE = -1;

/**
 * A behaviour strategy profile: for each information-set key, probabilities over that information
 * set's legal actions, in the order `legalActions` lists them. One table holds every player's
 * information sets (keys of different players never collide).
 */
export type Policy = Record<string, number[]>;

/**
 * A finite extensive-form game with perfect recall (Osborne & Rubinstein, "A Course in Game Theory",
 * 1994, ch. 11), written as pure functions of an immutable state `S`, so that tree walkers (CFR,
 * best response) can branch without undo bookkeeping.
 *
 * Every node is terminal, a chance node (`currentPlayer` = CHANCE, with `chanceOutcomes`) or a
 * decision node of one player; a decision node belongs to the information set `infoSetKey(state)`,
 * and all states of one information set have the same legal actions.
 */
export interface ExtensiveFormGame<S> {
  readonly name: string;
  readonly numPlayers: number;
  initialState(): S;
  isTerminal(state: S): boolean;
  /** Utility of each player at a terminal state. */
  returns(state: S): number[];
  /** The player to act (0..numPlayers−1), or CHANCE. Undefined behaviour at terminal states. */
  currentPlayer(state: S): number;
  /** [action, probability] pairs of a chance node; probabilities sum to 1. */
  chanceOutcomes(state: S): [number, number][];
  /** Legal actions of a decision node. */
  legalActions(state: S): number[];
  /** Identifies what the acting player knows: equal keys ⇔ same information set. */
  infoSetKey(state: S): string;
  /** The state after `action` (a chance outcome at chance nodes); the input is not modified. */
  nextState(state: S, action: number): S;
  actionToString(state: S, action: number): string;
}

/** Every information set of the game with its player and legal actions, in depth-first order. */
export function informationSets<S>(game: ExtensiveFormGame<S>): Map<string, { player: number; actions: number[] }> {
  const sets = new Map<string, { player: number; actions: number[] }>();
  const walk = (state: S): void => {
    if (game.isTerminal(state)) return;
    const player = game.currentPlayer(state);
    if (player === CHANCE) {
      for (const [a] of game.chanceOutcomes(state)) walk(game.nextState(state, a));
      return;
    }
    const key = game.infoSetKey(state);
    const actions = game.legalActions(state);
    const known = sets.get(key);
    if (!known) sets.set(key, { player, actions });
    else if (known.player !== player || known.actions.join() !== actions.join()) {
      throw new Error(`informationSets: states of information set "${key}" disagree on player or legal actions`);
    }
    for (const a of actions) walk(game.nextState(state, a));
  };
  walk(game.initialState());
  return sets;
}

/** The policy that plays every legal action with equal probability. */
export function uniformPolicy<S>(game: ExtensiveFormGame<S>): Policy {
  const policy: Policy = {};
  for (const [key, { actions }] of informationSets(game)) policy[key] = actions.map(() => 1 / actions.length);
  return policy;
}
