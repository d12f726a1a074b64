// Pendulum-v1: swing a torque-limited pendulum up and keep it upright (Gymnasium classic control).

import type { Env, Info, ResetOptions, StepResult } from "../../Env.js";
import { Generator } from "../../../random/Generator.js";
import { assertContains, Box } from "../../spaces.js";
import { resetArgs } from "../../seeding.js";
import { exclusiveWithState, stateOption } from "./resetState.js";

/** Options of the Pendulum environment (Gymnasium's `Pendulum-v1`): the gravitational acceleration. */
export interface PendulumOptions {
  /** Gravitational acceleration (Gymnasium's `g`), default 10. */
  g?: number;
}

/**
 * Pendulum-v1, as in Gymnasium's `classic_control/pendulum.py`.
 *
 * - State `[θ, θ̇]`: angle (rad, 0 = upright, counter-clockwise positive) and angular velocity.
 * - Observation (Box of 3 float64): `[cos θ, sin θ, θ̇]`, bounds [−1, −1, −8] to [1, 1, 8].
 * - Action (Box(−2, 2, [1])): the torque u (N·m). Actions outside [−2, 2] throw; wrap the env in
 *   `ClipAction` to have them clipped instead.
 * - Dynamics (m = 1, l = 1, dt = 0.05, g = 10 by default), semi-implicit Euler:
 *     θ̇' = clip(θ̇ + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, −8, 8)
 *     θ'  = θ + θ̇'·dt
 * - Reward −(θ_n² + 0.1·θ̇² + 0.001·u²), computed from the state before the step, where
 *   θ_n = ((θ + π) mod 2π) − π is θ normalized to [−π, π). The reward lies in [−16.27, 0].
 * - Never terminates; `make("Pendulum-v1")` truncates at 200 steps.
 * - Reset: θ uniform in [−π, π), θ̇ uniform in [−1, 1), from the env's seeded generator;
 *   `reset({ options: { xInit, yInit } })` samples θ in [−xInit, xInit) and θ̇ in [−yInit, yInit) instead
 *   (Gymnasium's `x_init`/`y_init`; yInit ≤ 8), and `reset({ options: { state: [θ, θ̇] } })` starts from the
 *   given state (|θ̇| ≤ 8). Other option keys are errors.
 */
export class Pendulum implements Env<number[], number[]> {
  readonly id: string = "Pendulum-v1";
  readonly maxSpeed = 8;
  readonly maxTorque = 2.0;
  readonly dt = 0.05;
  readonly g: number;
  readonly m = 1.0;
  readonly l = 1.0;

  readonly actionSpace = new Box(-this.maxTorque, this.maxTorque, [1]);
  readonly observationSpace = new Box([-1, -1, -this.maxSpeed], [1, 1, this.maxSpeed]);

  /** Current `[θ, θ̇]`. */
  state: number[] = [0, 0];
  private rng = new Generator(0);
  private started = false;

  constructor(options: PendulumOptions = {}) {
    this.g = options.g ?? 10.0;
  }

  reset(args?: ResetOptions): [number[], Info] {
    const context = `${this.id}.reset`;
    const { seed, options } = resetArgs(args, this.id, ["state", "xInit", "yInit"]);
    if (seed !== undefined) this.rng.manualSeed(seed);
    exclusiveWithState(options, ["xInit", "yInit"], context);
    const xInit = options["xInit"] ?? Math.PI, yInit = options["yInit"] ?? 1;
    if (typeof xInit !== "number" || !(xInit >= 0 && xInit < Infinity)) {
      throw new Error(`${context}: options.xInit must be a non-negative finite number, got ${JSON.stringify(xInit)}`);
    }
    if (typeof yInit !== "number" || !(yInit >= 0 && yInit <= this.maxSpeed)) {
      throw new Error(`${context}: options.yInit must lie in [0, ${this.maxSpeed}], got ${JSON.stringify(yInit)}`);
    }
    const speedOk = ([, thetaDot]: number[]) => (Math.abs(thetaDot!) <= this.maxSpeed ? undefined : `has θ̇ outside [-${this.maxSpeed}, ${this.maxSpeed}]`);
    this.state = stateOption(options, ["theta", "thetaDot"], context, speedOk) ??
      [this.rng.uniform(-xInit, xInit), this.rng.uniform(-yInit, yInit)];
    this.started = true;
    return [this.observation(), {}];
  }

  step(action: readonly number[] | Float64Array): StepResult<number[]> {
    assertContains(this.actionSpace, action, `${this.id}.step`);
    if (!this.started) throw new Error(`${this.id}.step([${Array.from(action).join(", ")}]): call reset() before step()`);
    const [th, thDot] = this.state as [number, number];
    const { g, m, l, dt } = this;
    const u = Math.min(Math.max(action[0]!, -this.maxTorque), this.maxTorque);
    const thNorm = angleNormalize(th);
    const costs = thNorm * thNorm + 0.1 * (thDot * thDot) + 0.001 * (u * u);

    let newThDot = thDot + (((3 * g) / (2 * l)) * Math.sin(th) + (3.0 / (m * (l * l))) * u) * dt;
    newThDot = Math.min(Math.max(newThDot, -this.maxSpeed), this.maxSpeed);
    const newTh = th + newThDot * dt;
    this.state = [newTh, newThDot];
    return [this.observation(), -costs, false, false, {}];
  }

  private observation(): number[] {
    const [th, thDot] = this.state as [number, number];
    return [Math.cos(th), Math.sin(th), thDot];
  }
}

/** θ mapped to [−π, π): ((θ + π) mod 2π) − π with a floored (non-negative) modulo, as Python's `%`. */
export function angleNormalize(theta: number): number {
  const period = 2 * Math.PI;
  let r = (theta + Math.PI) % period;
  if (r !== 0 && r < 0) r += period;
  return r - Math.PI;
}
