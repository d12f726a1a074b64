// Blackjack-v1 (Sutton & Barto Example 5.1, as in Gymnasium's toy_text) and its exact tabular model for DP.

import type { Env, Info, ResetOptions, StepResult, TabularMDP, Transition } from "../../Env.js";
import { Generator } from "../../../random/Generator.js";
import { assertContains, Discrete, formatValue, Tuple } from "../../spaces.js";
import { resetArgs } from "../../seeding.js";

/** An observation: [player's sum 4..31, dealer's showing card 1..10 (ace = 1), usable ace 0/1]. */
export type BlackjackObs = readonly [playerSum: number, dealerCard: number, usableAce: number];

export const STICK = 0, HIT = 1;

/**
 * Options of the Blackjack environment (Gymnasium's `Blackjack-v1`): how a player natural pays (`natural`,
 * `sab`).
 */
export interface BlackjackOptions {
  /** Gymnasium's `natural`: a natural (ace + ten-card) that wins pays 1.5 instead of 1. Default false. */
  natural?: boolean;
  /**
   * Gymnasium's `sab` ("Sutton and Barto"): a player natural wins (+1) unless the dealer also has a
   * natural (draw); overrides `natural`. Default false.
   */
  sab?: boolean;
}

/** An infinite deck: 1 (ace) to 9 with probability 1/13 each, 10 (ten, jack, queen, king) with 4/13. */
const DECK = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10] as const;

const usableAce = (hand: number[]): boolean => hand.includes(1) && sum(hand) + 10 <= 21;
const sum = (hand: number[]): number => hand.reduce((a, b) => a + b, 0);
const handValue = (hand: number[]): number => sum(hand) + (usableAce(hand) ? 10 : 0);
const isNatural = (hand: number[]): boolean => hand.length === 2 && hand.includes(1) && hand.includes(10);
const score = (hand: number[]): number => (handValue(hand) > 21 ? 0 : handValue(hand));

/**
 * Blackjack as in Sutton & Barto (2nd ed., 2018), Example 5.1
 * (http://incompleteideas.net/book/RLbook2020.pdf#page=115) and Gymnasium's `toy_text/blackjack.py`.
 *
 * - Infinite deck (cards drawn with replacement). The dealer sticks on 17 or more (soft 17 included).
 * - Observation (Tuple(Discrete(32), Discrete(11), Discrete(2))): [player's current sum, dealer's
 *   showing card (1 = ace, 10 = ten or face), 1 if the player holds a usable ace].
 * - Actions (Discrete(2)): 0 stick, 1 hit.
 * - Rewards: hit and bust −1 (terminated); hit otherwise 0; stick: the dealer plays out and the reward
 *   is +1 win, 0 draw, −1 loss (terminated). Options `natural` / `sab` change naturals as in Gymnasium.
 * - Reset deals the dealer two cards then the player two. `reset({ options: { state: [sum, dealer,
 *   usableAce] } })` starts from a chosen state with sum 12..21 instead (for exploring starts).
 */
export class Blackjack implements Env<BlackjackObs, number> {
  readonly id: string = "Blackjack-v1";
  readonly observationSpace = new Tuple([new Discrete(32), new Discrete(11), new Discrete(2)] as const);
  readonly actionSpace = new Discrete(2);
  readonly natural: boolean;
  readonly sab: boolean;
  /** The hands (cards 1..10) of the current round. */
  player: number[] = [];
  dealer: number[] = [];
  private rng = new Generator(0);
  private done = true;

  constructor(options: BlackjackOptions = {}) {
    this.natural = options.natural ?? false;
    this.sab = options.sab ?? false;
  }

  /** The 200 decision states of the book's figures: sums 12..21 × dealer cards 1..10 × usable ace 0/1. */
  static decisionStates(): BlackjackObs[] {
    const states: BlackjackObs[] = [];
    for (let playerSum = 12; playerSum <= 21; playerSum++) {
      for (let dealerCard = 1; dealerCard <= 10; dealerCard++) {
        for (const ace of [0, 1]) states.push([playerSum, dealerCard, ace]);
      }
    }
    return states;
  }

  reset(args?: ResetOptions): [BlackjackObs, Info] {
    const { seed, options } = resetArgs(args, this.id, ["state"]);
    if (seed !== undefined) this.rng.manualSeed(seed);
    const start = options["state"];
    if (start !== undefined) {
      const [playerSum, dealerCard, ace] = parseStartState(start);
      this.dealer = [dealerCard, this.drawCard()];
      // A hand with exactly that sum and ace status: [ace, sum − 11] or ten-cards topped up without aces.
      if (ace === 1) this.player = [1, playerSum - 11];
      else this.player = playerSum <= 20 ? [10, playerSum - 10] : [10, 9, 2];
    } else {
      this.dealer = [this.drawCard(), this.drawCard()];
      this.player = [this.drawCard(), this.drawCard()];
    }
    this.done = false;
    return [this.observation(), {}];
  }

  step(action: number): StepResult<BlackjackObs> {
    assertContains(this.actionSpace, action, `${this.id}.step`);
    if (this.done) throw new Error(`${this.id}.step(${action}): the round is over (or was never started); call reset() first`);
    if (action === HIT) {
      this.player.push(this.drawCard());
      this.done = handValue(this.player) > 21;
      return [this.observation(), this.done ? -1 : 0, this.done, false, {}];
    }
    this.done = true;
    while (handValue(this.dealer) < 17) this.dealer.push(this.drawCard());
    let reward = Math.sign(score(this.player) - score(this.dealer));
    if (this.sab && isNatural(this.player) && !isNatural(this.dealer)) reward = 1;
    else if (!this.sab && this.natural && isNatural(this.player) && reward === 1) reward = 1.5;
    return [this.observation(), reward, true, false, {}];
  }

  private drawCard(): number {
    return DECK[this.rng.randint(0, DECK.length)]!;
  }

  private observation(): BlackjackObs {
    return [handValue(this.player), this.dealer[0]!, usableAce(this.player) ? 1 : 0];
  }
}

function parseStartState(start: unknown): BlackjackObs {
  const ok =
    Array.isArray(start) &&
    start.length === 3 &&
    Number.isInteger(start[0]) && start[0] >= 12 && start[0] <= 21 &&
    Number.isInteger(start[1]) && start[1] >= 1 && start[1] <= 10 &&
    (start[2] === 0 || start[2] === 1);
  if (!ok) {
    throw new Error(`Blackjack-v1.reset: options.state must be [playerSum 12..21, dealerCard 1..10, usableAce 0|1], got ${formatValue(start)}`);
  }
  return [start[0], start[1], start[2]];
}

/** Probability of each card value 1..10 in the infinite deck (index = card value). */
const CARD_PROB = [0, 1 / 13, 1 / 13, 1 / 13, 1 / 13, 1 / 13, 1 / 13, 1 / 13, 1 / 13, 1 / 13, 4 / 13];

/**
 * Distribution of the dealer's final score given the showing card, under the infinite deck:
 * index 17..21 for a final sum, index 0 for a bust. Found by recursion over (hard sum, holds an ace).
 */
export function dealerFinalDistribution(showing: number): number[] {
  const dist = new Array<number>(22).fill(0);
  const play = (hardSum: number, hasAce: boolean, prob: number, cards: number): void => {
    const value = hasAce && hardSum + 10 <= 21 ? hardSum + 10 : hardSum;
    // The dealer always holds two cards before deciding (the hidden card).
    if (cards >= 2 && value >= 17) {
      dist[value > 21 ? 0 : value]! += prob;
      return;
    }
    for (let c = 1; c <= 10; c++) play(hardSum + c, hasAce || c === 1, prob * CARD_PROB[c]!, cards + 1);
  };
  play(showing, showing === 1, 1, 1);
  return dist;
}

/** Index of a decision state in `blackjackModel()`: ((sum − 12)·10 + (dealer − 1))·2 + usableAce. */
export function blackjackStateIndex([playerSum, dealerCard, ace]: BlackjackObs): number {
  return ((playerSum - 12) * 10 + (dealerCard - 1)) * 2 + ace;
}

/**
 * The exact tabular model of Blackjack under the default rules (no natural bonus) restricted to the
 * book's 200 decision states (sum 12..21), for dynamic programming. States 0..199 follow
 * `blackjackStateIndex`; state 200 is an absorbing terminal. Stick's reward is the expected outcome
 * against the dealer's final-score distribution; a hit that busts gives −1 and terminates.
 */
export function blackjackModel(): TabularMDP & { states: BlackjackObs[] } {
  const states = Blackjack.decisionStates().sort((a, b) => blackjackStateIndex(a) - blackjackStateIndex(b));
  const TERMINAL = 200;
  const stickReward = (playerSum: number, dealerCard: number): number => {
    const dist = dealerFinalDistribution(dealerCard);
    let r = dist[0]!; // dealer busts: player wins
    for (let d = 17; d <= 21; d++) r += dist[d]! * Math.sign(playerSum - d);
    return r;
  };
  const P: Transition[][][] = states.map(([playerSum, dealerCard, ace]) => {
    const stick: Transition[] = [{ prob: 1, next: TERMINAL, reward: stickReward(playerSum, dealerCard), done: true }];
    const hit: Transition[] = [];
    for (let c = 1; c <= 10; c++) {
      // From sum ≥ 12 a new ace always counts 1; a usable ace drops to 1 when the sum would pass 21.
      let nextSum = playerSum + c;
      let nextAce = ace;
      if (nextSum > 21 && ace === 1) {
        nextSum -= 10;
        nextAce = 0;
      }
      if (nextSum > 21) hit.push({ prob: CARD_PROB[c]!, next: TERMINAL, reward: -1, done: true });
      else hit.push({ prob: CARD_PROB[c]!, next: blackjackStateIndex([nextSum, dealerCard, nextAce]), reward: 0, done: false });
    }
    return [stick, hit];
  });
  P.push([[{ prob: 1, next: TERMINAL, reward: 0, done: true }], [{ prob: 1, next: TERMINAL, reward: 0, done: true }]]);
  return { nS: 201, nA: 2, P, states };
}
