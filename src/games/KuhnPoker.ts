// Kuhn poker: three cards, one betting round, the smallest poker with a non-trivial equilibrium.

import { CHANCE, type ExtensiveFormGame } from "./ExtensiveFormGame.js";

/** A Kuhn poker state: cards dealt so far (0 = J, 1 = Q, 2 = K) and the betting history ("p"/"b"). */
export interface KuhnState {
  readonly cards: readonly number[];
  readonly history: string;
}

/** Action 0: pass (check, or fold to a bet). Action 1: bet (bet, or call a bet). */
export const KUHN_PASS = 0;
/** Kuhn poker's action 1: bet (bet, or call a bet). */
export const KUHN_BET = 1;
const CARD_NAMES = ["J", "Q", "K"];

/**
 * Kuhn poker (H. W. Kuhn, "A Simplified Two-Person Poker", Contributions to the Theory of Games I,
 * 1950). Deck J < Q < K; each player antes 1 and gets one card; player 0 checks or bets 1; facing a
 * bet a player calls or folds; after check–check or a call the higher card wins the pot.
 *
 * Information-set keys are the player's card followed by the betting history, e.g. "Q" (player 0
 * holding the queen, first to act) or "Kpb" (player 0 with the king, checked, facing a bet) — the
 * notation of Neller & Lanctot, "An Introduction to Counterfactual Regret Minimization" (2013),
 * with J/Q/K for 1/2/3. Every equilibrium gives player 0 the value −1/18.
 */
export class KuhnPoker implements ExtensiveFormGame<KuhnState> {
  readonly name = "kuhn-poker";
  readonly numPlayers = 2;

  initialState(): KuhnState {
    return { cards: [], history: "" };
  }

  isTerminal(state: KuhnState): boolean {
    const h = state.history;
    return h === "pp" || h === "bp" || h === "bb" || h === "pbp" || h === "pbb";
  }

  returns(state: KuhnState): number[] {
    const h = state.history;
    if (!this.isTerminal(state)) throw new Error(`KuhnPoker.returns: history "${h}" is not terminal`);
    if (h === "bp") return [1, -1]; // player 1 folded
    if (h === "pbp") return [-1, 1]; // player 0 folded
    const stake = h === "pp" ? 1 : 2; // ante only, or ante + bet
    const winner0 = state.cards[0]! > state.cards[1]!;
    return winner0 ? [stake, -stake] : [-stake, stake];
  }

  currentPlayer(state: KuhnState): number {
    return state.cards.length < 2 ? CHANCE : state.history.length % 2;
  }

  chanceOutcomes(state: KuhnState): [number, number][] {
    if (state.cards.length >= 2) throw new Error("KuhnPoker.chanceOutcomes: both cards are already dealt");
    const remaining = [0, 1, 2].filter((c) => !state.cards.includes(c));
    return remaining.map((c) => [c, 1 / remaining.length]);
  }

  legalActions(state: KuhnState): number[] {
    if (this.isTerminal(state) || state.cards.length < 2) {
      throw new Error(`KuhnPoker.legalActions: not a decision node (cards [${state.cards.join(",")}], history "${state.history}")`);
    }
    return [KUHN_PASS, KUHN_BET];
  }

  infoSetKey(state: KuhnState): string {
    const player = this.currentPlayer(state);
    if (player === CHANCE || this.isTerminal(state)) {
      throw new Error(`KuhnPoker.infoSetKey: not a decision node (cards [${state.cards.join(",")}], history "${state.history}")`);
    }
    return CARD_NAMES[state.cards[player]!]! + state.history;
  }

  nextState(state: KuhnState, action: number): KuhnState {
    if (this.isTerminal(state)) throw new Error(`KuhnPoker.nextState: the hand is over (history "${state.history}")`);
    if (state.cards.length < 2) {
      if (!this.chanceOutcomes(state).some(([c]) => c === action)) {
        throw new Error(`KuhnPoker.nextState: card ${action} cannot be dealt now (dealt: [${state.cards.join(",")}])`);
      }
      return { cards: [...state.cards, action], history: state.history };
    }
    if (action !== KUHN_PASS && action !== KUHN_BET) {
      throw new Error(`KuhnPoker.nextState: action must be 0 (pass) or 1 (bet), got ${action}`);
    }
    return { cards: state.cards, history: state.history + (action === KUHN_PASS ? "p" : "b") };
  }

  actionToString(state: KuhnState, action: number): string {
    if (state.cards.length < 2) return `deal ${CARD_NAMES[action] ?? action}`;
    return action === KUHN_PASS ? "pass" : "bet";
  }
}
