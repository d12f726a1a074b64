// Returns and advantages: discounted returns, n-step transitions and generalized advantage estimation.
//
// GAE(λ): Schulman et al. 2016, "High-Dimensional Continuous Control Using Generalized Advantage
// Estimation", https://arxiv.org/abs/1506.02438 — Â_t = Σ_l (γλ)^l δ_{t+l}, δ_t = r_t + γ V(s_{t+1}) − V(s_t).
// n-step returns: Sutton & Barto (2018) §7.1; in DQN, Hessel et al. 2018 (Rainbow), https://arxiv.org/abs/1710.02298.

/** G_t = r_t + γ G_{t+1} within one episode (the episode's last reward has G = r). */
export function discountedReturns(rewards: ArrayLike<number>, gamma: number): Float64Array {
  const out = new Float64Array(rewards.length);
  let g = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    g = rewards[t]! + gamma * g;
    out[t] = g;
  }
  return out;
}

/**
 * The input of {@link gae}: rewards, value estimates and done flags laid out (T, E) for T steps of E
 * environments, and the bootstrap values after the last step.
 */
export interface GaeInput {
  /** Rewards r_t, laid out (T, E) row-major: step t of env e at t·E + e. */
  rewards: ArrayLike<number>;
  /** Value estimates V(s_t), (T, E). */
  values: ArrayLike<number>;
  /** 1 where the episode ended after step t (no bootstrap from s_{t+1}), else 0; (T, E). */
  dones: ArrayLike<number>;
  /** V(s_T) for each env, (E,): the bootstrap after the last step. */
  lastValues: ArrayLike<number>;
  gamma: number;
  lambda: number;
}

/**
 * Generalized advantage estimates and the value targets `returns = advantages + values`, both (T, E):
 *   δ_t = r_t + γ V(s_{t+1}) (1 − done_t) − V(s_t),   Â_t = δ_t + γλ (1 − done_t) Â_{t+1}.
 * λ = 0 gives the one-step TD error, λ = 1 the Monte-Carlo return minus V(s_t).
 */
export function gae(input: GaeInput): { advantages: Float32Array; returns: Float32Array } {
  const { rewards, values, dones, lastValues, gamma, lambda } = input;
  const E = lastValues.length;
  const n = rewards.length;
  if (E === 0 || n % E !== 0 || values.length !== n || dones.length !== n) {
    throw new Error(`gae: rewards (${n}), values (${values.length}) and dones (${dones.length}) must all hold T × E entries for E = ${E} environments`);
  }
  const T = n / E;
  const advantages = new Float32Array(n);
  const returns = new Float32Array(n);
  for (let e = 0; e < E; e++) {
    let next = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = t * E + e;
      const notDone = 1 - dones[i]!;
      const nextValue = t === T - 1 ? lastValues[e]! : values[i + E]!;
      const delta = rewards[i]! + gamma * nextValue * notDone - values[i]!;
      next = delta + gamma * lambda * notDone * next;
      advantages[i] = next;
      returns[i] = next + values[i]!;
    }
  }
  return { advantages, returns };
}

/** An n-step transition: the return of up to n rewards, bootstrapped with discount γ^k from the k-th next state. */
export interface NStepTransition<Obs, Act> {
  observation: Obs;
  action: Act;
  /** Σ_{i<k} γ^i r_{t+i}. */
  reward: number;
  nextObservation: Obs;
  terminated: boolean;
  /** γ^k, k ≤ n the number of rewards summed. */
  discount: number;
}

/**
 * Turns one environment's stream of one-step transitions into n-step transitions. `push` returns the
 * transitions that became complete: one per step once n steps are queued, and every queued one (with
 * fewer rewards) when the episode ends by termination or truncation.
 */
export class NStepAccumulator<Obs, Act> {
  private readonly queue: { observation: Obs; action: Act; reward: number }[] = [];

  constructor(readonly n: number, readonly gamma: number) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`NStepAccumulator: n must be a positive integer, got ${n}`);
  }

  push(observation: Obs, action: Act, reward: number, nextObservation: Obs, terminated: boolean, truncated: boolean): NStepTransition<Obs, Act>[] {
    this.queue.push({ observation, action, reward });
    const out: NStepTransition<Obs, Act>[] = [];
    const emitFront = () => {
      let ret = 0;
      let discount = 1;
      for (const step of this.queue) {
        ret += discount * step.reward;
        discount *= this.gamma;
      }
      const first = this.queue.shift()!;
      out.push({ observation: first.observation, action: first.action, reward: ret, nextObservation, terminated, discount });
    };
    if (terminated || truncated) while (this.queue.length > 0) emitFront();
    else if (this.queue.length === this.n) emitFront();
    return out;
  }

  /** Drops the queued steps (e.g. when an environment is reset by hand). */
  clear(): void {
    this.queue.length = 0;
  }
}
