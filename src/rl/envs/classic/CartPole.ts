// CartPole-v1: balance a pole hinged on a cart by pushing the cart left or right (Gymnasium classic control).

import type { Env, Info, ResetOptions, StepResult } from "../../Env.js";
import { Generator } from "../../../random/Generator.js";
import { assertContains, Box, Discrete } from "../../spaces.js";
import { resetArgs } from "../../seeding.js";
import { insideSpace, resetBounds, stateOption } from "./resetState.js";

/**
 * Options of the CartPole environment (Gymnasium's `CartPole-v1` keyword arguments in camelCase): the reward
 * scheme and the integrator.
 */
export interface CartPoleOptions {
  /**
   * Gymnasium's `sutton_barto_reward`: reward 0 per step and −1 on the terminating step, as in
   * Barto, Sutton & Anderson (1983). Default false: reward +1 on every step, the terminating one included.
   */
  suttonBartoReward?: boolean;
  /** "euler" (default, Gymnasium's) or "semi-implicit" (velocities first, then positions). */
  kinematicsIntegrator?: "euler" | "semi-implicit";
}

/**
 * CartPole-v1, as in Gymnasium's `classic_control/cartpole.py` (after Barto, Sutton & Anderson,
 * "Neuronlike adaptive elements that can solve difficult learning control problems", 1983,
 * https://doi.org/10.1109/TSMC.1983.6313077; equations from Florian, "Correct equations for the
 * dynamics of the cart-pole system", 2007).
 *
 * - Observation (Box of 4 float64): `[x, ẋ, θ, θ̇]` — cart position (m), cart velocity, pole angle
 *   (rad, 0 = upright), pole angular velocity. Bounds ±4.8, ±∞, ±24°, ±∞ (twice the failure limits).
 * - Actions (Discrete(2)): 0 pushes the cart left, 1 right, with force 10 N.
 * - Dynamics (τ = 0.02 s, g = 9.8, cart 1 kg, pole 0.1 kg, half-length 0.5 m), explicit Euler:
 *     temp = (F + m_p l θ̇² sin θ) / (m_c + m_p)
 *     θ̈ = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos² θ / (m_c + m_p)))
 *     ẍ = temp − m_p l θ̈ cos θ / (m_c + m_p)
 *     x += τ ẋ;  ẋ += τ ẍ;  θ += τ θ̇;  θ̇ += τ θ̈
 * - Reward +1 per step, including the one that terminates.
 * - Terminated when |x| > 2.4 or |θ| > 12° (12·2π/360 rad). `make("CartPole-v1")` truncates at 500 steps.
 * - Reset: each state component uniform in [−0.05, 0.05) from the env's seeded generator;
 *   `reset({ options: { state: [x, ẋ, θ, θ̇] } })` starts from the given state instead.
 */
export class CartPole implements Env<number[], number> {
  readonly id: string = "CartPole-v1";
  readonly gravity = 9.8;
  readonly massCart = 1.0;
  readonly massPole = 0.1;
  readonly totalMass = this.massPole + this.massCart;
  /** Half the pole's length (m). */
  readonly length = 0.5;
  readonly poleMassLength = this.massPole * this.length;
  readonly forceMag = 10.0;
  /** Seconds between state updates. */
  readonly tau = 0.02;
  /** Pole angle at which the episode fails: 12 degrees in radians. */
  readonly thetaThresholdRadians = (12 * 2 * Math.PI) / 360;
  readonly xThreshold = 2.4;
  readonly suttonBartoReward: boolean;
  readonly kinematicsIntegrator: "euler" | "semi-implicit";

  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Box(
    [this.xThreshold * 2, Infinity, this.thetaThresholdRadians * 2, Infinity].map((h) => -h),
    [this.xThreshold * 2, Infinity, this.thetaThresholdRadians * 2, Infinity],
  );

  /** Current `[x, ẋ, θ, θ̇]`. */
  state: number[] = [0, 0, 0, 0];
  private rng = new Generator(0);
  private done = true;

  constructor(options: CartPoleOptions = {}) {
    this.suttonBartoReward = options.suttonBartoReward ?? false;
    this.kinematicsIntegrator = options.kinematicsIntegrator ?? "euler";
  }

  reset(args?: ResetOptions): [number[], Info] {
    const context = `${this.id}.reset`;
    const { seed, options } = resetArgs(args, this.id, ["state", "low", "high"]);
    if (seed !== undefined) this.rng.manualSeed(seed);
    const [low, high] = resetBounds(options, [-0.05, 0.05], this.observationSpace, [0, 1, 2, 3], context);
    this.state = stateOption(options, ["x", "xDot", "theta", "thetaDot"], context, insideSpace(this.observationSpace)) ??
      Array.from({ length: 4 }, () => this.rng.uniform(low, high));
    this.done = false;
    return [[...this.state], {}];
  }

  step(action: number): StepResult<number[]> {
    assertContains(this.actionSpace, action, `${this.id}.step`);
    if (this.done) throw new Error(`${this.id}.step(${action}): the episode is over (or was never started); call reset() first`);
    let [x, xDot, theta, thetaDot] = this.state as [number, number, number, number];
    const force = action === 1 ? this.forceMag : -this.forceMag;
    const cosTheta = Math.cos(theta);
    const sinTheta = Math.sin(theta);

    const temp = (force + this.poleMassLength * (thetaDot * thetaDot) * sinTheta) / this.totalMass;
    const thetaAcc =
      (this.gravity * sinTheta - cosTheta * temp) /
      (this.length * (4.0 / 3.0 - (this.massPole * (cosTheta * cosTheta)) / this.totalMass));
    const xAcc = temp - (this.poleMassLength * thetaAcc * cosTheta) / this.totalMass;

    if (this.kinematicsIntegrator === "euler") {
      x = x + this.tau * xDot;
      xDot = xDot + this.tau * xAcc;
      theta = theta + this.tau * thetaDot;
      thetaDot = thetaDot + this.tau * thetaAcc;
    } else {
      xDot = xDot + this.tau * xAcc;
      x = x + this.tau * xDot;
      thetaDot = thetaDot + this.tau * thetaAcc;
      theta = theta + this.tau * thetaDot;
    }
    this.state = [x, xDot, theta, thetaDot];

    const terminated =
      x < -this.xThreshold || x > this.xThreshold || theta < -this.thetaThresholdRadians || theta > this.thetaThresholdRadians;
    this.done = terminated;
    const reward = this.suttonBartoReward ? (terminated ? -1 : 0) : 1;
    return [[...this.state], reward, terminated, false, {}];
  }
}
