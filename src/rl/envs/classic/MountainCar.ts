// MountainCar-v0: drive an underpowered car up a hill by rocking it back and forth (Gymnasium classic control).

import type { Env, Info, ResetOptions, StepResult } from "../../Env.js";
import { Generator } from "../../../random/Generator.js";
import { assertContains, Box, Discrete } from "../../spaces.js";
import { resetArgs } from "../../seeding.js";
import { insideSpace, resetBounds, stateOption } from "./resetState.js";

/**
 * Options of the MountainCar environment (Gymnasium's `MountainCar-v0`): the velocity required at the goal.
 */
export interface MountainCarOptions {
  /** Velocity the car must have (at least) on reaching the goal; Gymnasium's `goal_velocity`, default 0. */
  goalVelocity?: number;
}

/**
 * MountainCar-v0, as in Gymnasium's `classic_control/mountain_car.py` (Moore, "Efficient memory-based
 * learning for robot control", PhD thesis, Cambridge, 1990; Sutton & Barto, *Reinforcement Learning:
 * An Introduction*, 2nd ed., Example 10.1, http://incompleteideas.net/book/the-book-2nd.html).
 *
 * - Observation (Box of 2 float64): `[position, velocity]`, position in [−1.2, 0.6], velocity in
 *   [−0.07, 0.07]. The hill is y = sin(3·position); the goal is at position 0.5.
 * - Actions (Discrete(3)): 0 accelerate left, 1 don't accelerate, 2 accelerate right.
 * - Dynamics (force 0.001, gravity 0.0025):
 *     velocity += (action − 1)·force − cos(3·position)·gravity, clipped to [−0.07, 0.07]
 *     position += velocity, clipped to [−1.2, 0.6]; at the left wall a negative velocity becomes 0.
 * - Reward −1 per step.
 * - Terminated when position ≥ 0.5 and velocity ≥ goalVelocity. `make("MountainCar-v0")` truncates at 200.
 * - Reset: position uniform in [−0.6, −0.4), velocity 0, from the env's seeded generator;
 *   `reset({ options: { low, high } })` changes that range (Gymnasium's options; it must stay within
 *   [−1.2, 0.6]), and `reset({ options: { state: [position, velocity] } })` starts from the given state
 *   (inside the observation space) instead. Other option keys are errors.
 */
export class MountainCar implements Env<number[], number> {
  readonly id: string = "MountainCar-v0";
  readonly minPosition = -1.2;
  readonly maxPosition = 0.6;
  readonly maxSpeed = 0.07;
  readonly goalPosition = 0.5;
  readonly goalVelocity: number;
  readonly force = 0.001;
  readonly gravity = 0.0025;

  readonly actionSpace = new Discrete(3);
  readonly observationSpace = new Box([this.minPosition, -this.maxSpeed], [this.maxPosition, this.maxSpeed]);

  /** Current `[position, velocity]`. */
  state: number[] = [0, 0];
  private rng = new Generator(0);
  private done = true;

  constructor(options: MountainCarOptions = {}) {
    this.goalVelocity = options.goalVelocity ?? 0;
  }

  reset(args?: ResetOptions): [number[], Info] {
    const context = `${this.id}.reset`;
    const { seed, options } = resetArgs(args, this.id, ["state", "low", "high"]);
    if (seed !== undefined) this.rng.manualSeed(seed);
    const [low, high] = resetBounds(options, [-0.6, -0.4], this.observationSpace, [0], context);
    this.state = stateOption(options, ["position", "velocity"], context, insideSpace(this.observationSpace)) ?? [this.rng.uniform(low, high), 0];
    this.done = false;
    return [[...this.state], {}];
  }

  step(action: number): StepResult<number[]> {
    assertContains(this.actionSpace, action, `${this.id}.step`);
    if (this.done) throw new Error(`${this.id}.step(${action}): the episode is over (or was never started); call reset() first`);
    let [position, velocity] = this.state as [number, number];
    velocity += (action - 1) * this.force + Math.cos(3 * position) * -this.gravity;
    velocity = clip(velocity, -this.maxSpeed, this.maxSpeed);
    position += velocity;
    position = clip(position, this.minPosition, this.maxPosition);
    if (position === this.minPosition && velocity < 0) velocity = 0;
    this.state = [position, velocity];

    const terminated = position >= this.goalPosition && velocity >= this.goalVelocity;
    this.done = terminated;
    return [[...this.state], -1, terminated, false, {}];
  }
}

function clip(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
