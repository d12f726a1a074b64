// A Gymnasium environment driven by its own tabular model P: reset draws a start state, step samples P[s][a].

import type { Env, Info, ResetOptions, StepResult, TabularMDP, Transition } from "../../Env.js";
import { Generator } from "../../../random/Generator.js";
import { assertContains, Discrete } from "../../spaces.js";
import { resetArgs } from "../../seeding.js";

/**
 * Shared by the finite toy-text environments (grid worlds, cliff walking, recycling robot, Jack's car
 * rental): the environment *is* its model, so sampling `P` is exactly the dynamics that dynamic
 * programming solves. Infos carry `prob`, the probability of the transition taken (1 on reset).
 *
 * `reset({ options: { state } })` starts in a chosen state (used by exploring starts and tests);
 * otherwise the start is drawn from `initialStateDistribution`.
 */
export class TabularEnv implements Env<number, number>, TabularMDP {
  readonly nS: number;
  readonly nA: number;
  readonly P: Transition[][][];
  readonly initialStateDistribution: number[];
  readonly observationSpace: Discrete;
  readonly actionSpace: Discrete;
  /** Current state. */
  s = 0;
  protected rng = new Generator(0);
  private done = true;

  constructor(
    readonly id: string,
    model: TabularMDP,
    initialStateDistribution: number[],
  ) {
    const { nS, nA, P } = model;
    if (P.length !== nS || P.some((row) => row.length !== nA)) {
      throw new Error(`${id}: the model P must have shape [nS=${nS}][nA=${nA}]`);
    }
    if (initialStateDistribution.length !== nS) {
      throw new Error(`${id}: initialStateDistribution has ${initialStateDistribution.length} entries, expected nS=${nS}`);
    }
    this.nS = nS;
    this.nA = nA;
    this.P = P;
    this.initialStateDistribution = initialStateDistribution;
    this.observationSpace = new Discrete(nS);
    this.actionSpace = new Discrete(nA);
  }

  reset(args?: ResetOptions): [number, Info] {
    const { seed, options } = resetArgs(args, this.id, ["state"]);
    if (seed !== undefined) this.rng.manualSeed(seed);
    const start = options["state"];
    if (start !== undefined) {
      assertContains(this.observationSpace, start, `${this.id}.reset`, "options.state");
      this.s = start;
    } else {
      this.s = this.rng.categorical(this.initialStateDistribution);
    }
    this.done = false;
    return [this.s, { prob: 1 }];
  }

  step(action: number): StepResult<number> {
    assertContains(this.actionSpace, action, `${this.id}.step`);
    if (this.done) throw new Error(`${this.id}.step(${action}): the episode is over (or was never started); call reset() first`);
    const transitions = this.P[this.s]![action]!;
    const t = transitions.length === 1 ? transitions[0]! : transitions[this.sampleIndex(transitions)]!;
    this.s = t.next;
    this.done = t.done;
    return [t.next, t.reward, t.done, false, { prob: t.prob }];
  }

  private sampleIndex(transitions: Transition[]): number {
    let u = this.rng.random();
    for (let i = 0; i < transitions.length; i++) {
      u -= transitions[i]!.prob;
      if (u < 0) return i;
    }
    // Rounding left a sliver of probability: take the last transition with positive probability.
    for (let i = transitions.length - 1; i >= 0; i--) if (transitions[i]!.prob > 0) return i;
    return transitions.length - 1;
  }
}

/** Uniform distribution over the listed states (zero elsewhere). */
export function uniformOver(nS: number, states: number[]): number[] {
  const d = new Array<number>(nS).fill(0);
  for (const s of states) d[s] = 1 / states.length;
  return d;
}
