// SyncVectorEnv: several copies of an environment stepped one after another, with Gymnasium's autoreset.
//
// Reference: https://gymnasium.farama.org/api/vector/ and the autoreset note
// https://farama.org/Vector-Autoreset-Mode . Default is Gymnasium 1.0's *next-step* autoreset:
//
//   step t:   sub-env i terminates or truncates → returns its final observation, reward, flags, info.
//   step t+1: sub-env i is reset instead of stepped (its action is ignored) → returns the reset
//             observation, reward 0, terminated = truncated = false, and the reset info.
//
// `autoresetMode: "same-step"` gives Gymnasium 0.29's behaviour instead: the step that ends an episode
// resets at once and returns the reset observation, with the final observation and info kept in
// `info.finalObservation` / `info.finalInfo`.
//
// Unlike Gymnasium (which batches observations into NumPy arrays and infos into one dict of arrays),
// observations and infos come back as one array entry per sub-environment.

import type { Env, Info, Space } from "./Env.js";
import { formatValue, Tuple } from "./spaces.js";
import { checkSeed } from "./seeding.js";

/**
 * When {@link SyncVectorEnv} resets a finished sub-environment: "next-step" (Gymnasium 1.0's default) resets
 * it on the following step, ignoring that step's action; "same-step" (Gymnasium 0.29) resets it at once,
 * keeping the final observation and info in `info.finalObservation` / `info.finalInfo`.
 */
export type AutoresetMode = "next-step" | "same-step";

/** `step` result of a vector env: one entry per sub-environment in every array. */
export type VectorStepResult<Obs> = [
  observations: Obs[],
  rewards: number[],
  terminated: boolean[],
  truncated: boolean[],
  infos: Info[],
];

/**
 * Options of {@link SyncVectorEnv}'s `reset`: the seed(s) of the sub-environments and the options passed to
 * each sub-environment's `reset`.
 */
export interface VectorResetOptions {
  /** A number seeds sub-env i with `seed + i` (as Gymnasium does); an array gives each its own seed. */
  seed?: number | readonly number[];
  options?: Record<string, unknown>;
}

/**
 * Runs `envFns.length` environments in this thread, stepping them in order.
 *
 * ```ts
 * const envs = new SyncVectorEnv([0, 1, 2, 3].map(() => () => make("CartPole-v1")));
 * let [obs] = envs.reset({ seed: 42 });
 * const [next, rewards, terminated, truncated] = envs.step(envs.actionSpace.sample());
 * ```
 */
export class SyncVectorEnv<Obs, Act> {
  readonly envs: Env<Obs, Act>[];
  readonly numEnvs: number;
  readonly autoresetMode: AutoresetMode;
  /** The observation space of one sub-environment. */
  readonly singleObservationSpace: Space<Obs>;
  /** The action space of one sub-environment. */
  readonly singleActionSpace: Space<Act>;
  /** One action per sub-environment; `sample()` draws from each sub-env's own action space. */
  readonly actionSpace: Tuple<Space<Act>[]>;
  /** One observation per sub-environment. */
  readonly observationSpace: Tuple<Space<Obs>[]>;
  /** Sub-environments that ended an episode on the last step (next-step mode resets them next). */
  private readonly autoreset: boolean[];

  constructor(envFns: Array<() => Env<Obs, Act>>, options: { autoresetMode?: AutoresetMode } = {}) {
    if (envFns.length === 0) throw new Error("SyncVectorEnv: need at least one environment function");
    this.envs = envFns.map((fn) => fn());
    this.numEnvs = this.envs.length;
    this.autoresetMode = options.autoresetMode ?? "next-step";
    this.singleObservationSpace = this.envs[0]!.observationSpace;
    this.singleActionSpace = this.envs[0]!.actionSpace;
    this.actionSpace = new Tuple(this.envs.map((e) => e.actionSpace));
    this.observationSpace = new Tuple(this.envs.map((e) => e.observationSpace));
    this.autoreset = new Array<boolean>(this.numEnvs).fill(false);
  }

  reset(options: VectorResetOptions = {}): [Obs[], Info[]] {
    const seed = options.seed ?? undefined;
    if (typeof seed === "number") checkSeed(seed, "SyncVectorEnv.reset");
    else if (Array.isArray(seed)) seed.forEach((s, i) => checkSeed(s, "SyncVectorEnv.reset", `seed[${i}]`));
    else if (seed !== undefined) throw new Error(`SyncVectorEnv.reset: seed must be a number or an array of numbers, got ${String(seed)}`);
    if (Array.isArray(seed) && seed.length !== this.numEnvs) {
      throw new Error(`SyncVectorEnv.reset: got ${seed.length} seeds for ${this.numEnvs} environments`);
    }
    const observations: Obs[] = [];
    const infos: Info[] = [];
    this.envs.forEach((env, i) => {
      const envSeed = seed === undefined ? undefined : typeof seed === "number" ? seed + i : seed[i];
      const [obs, info] = env.reset({ seed: envSeed, options: options.options });
      observations.push(obs);
      infos.push(info);
    });
    this.autoreset.fill(false);
    return [observations, infos];
  }

  step(actions: readonly Act[]): VectorStepResult<Obs> {
    if (actions.length !== this.numEnvs) {
      throw new Error(
        `SyncVectorEnv.step: got ${actions.length} actions for ${this.numEnvs} environments (${formatValue(actions)})`,
      );
    }
    const result: VectorStepResult<Obs> = [[], [], [], [], []];
    const [observations, rewards, terminated, truncated, infos] = result;
    this.envs.forEach((env, i) => {
      if (this.autoresetMode === "next-step" && this.autoreset[i]) {
        const [obs, info] = env.reset();
        observations.push(obs);
        rewards.push(0);
        terminated.push(false);
        truncated.push(false);
        infos.push(info);
        this.autoreset[i] = false;
        return;
      }
      let [obs, reward, term, trunc, info] = env.step(actions[i]!);
      if (this.autoresetMode === "same-step" && (term || trunc)) {
        const [resetObs, resetInfo] = env.reset();
        info = { ...resetInfo, finalObservation: obs, finalInfo: info };
        obs = resetObs;
      }
      observations.push(obs);
      rewards.push(reward);
      terminated.push(term);
      truncated.push(trunc);
      infos.push(info);
      this.autoreset[i] = this.autoresetMode === "next-step" && (term || trunc);
    });
    return result;
  }

  close(): void {
    for (const env of this.envs) env.close?.();
  }
}
