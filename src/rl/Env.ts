// The Gymnasium environment contract every deepscript environment implements.

/** A set of valid observations or actions (Gymnasium's `Space`). Implementations live in spaces.ts. */
export interface Space<T> {
  /** Draws a uniformly random element, reproducibly for a seeded space. */
  sample(): T;
  /** True when `x` is an element of this space. */
  contains(x: unknown): boolean;
  /** Reseeds the space's own generator (an integer in [0, 2^32 − 1]). */
  seed(seed: number): void;
}

/**
 * The `info` object of `reset` and `step`: environment-specific diagnostics by name (Gymnasium's `info`
 * dict).
 */
export type Info = Record<string, unknown>;

/**
 * Options of an environment's `reset`: a seed for its generator and environment-specific reset options
 * (Gymnasium's `reset(seed=..., options=...)`).
 */
export interface ResetOptions {
  /**
   * Reseeds the environment's generator; the same seed gives the same episode for the same actions.
   * An integer in [0, 2^32 − 1]; absent (or `null` from JavaScript, Gymnasium's `None`) keeps the current stream.
   */
  seed?: number;
  /** Environment-specific reset options (documented per environment); unknown keys are errors. */
  options?: Record<string, unknown>;
}

/** `step` result: [observation, reward, terminated, truncated, info]. */
export type StepResult<Obs> = [obs: Obs, reward: number, terminated: boolean, truncated: boolean, info: Info];

/**
 * Gymnasium semantics: `reset` starts an episode; `step` advances it. `terminated` means the MDP reached
 * a terminal state; `truncated` means it was cut off (time limit). Stepping after either without a
 * reset, or passing an action outside `actionSpace`, throws an error naming the environment.
 */
export interface Env<Obs = unknown, Act = unknown> {
  readonly observationSpace: Space<Obs>;
  readonly actionSpace: Space<Act>;
  /** Registry id, e.g. "CartPole-v1" (when made through `rl.make`). */
  readonly id?: string;
  reset(options?: ResetOptions): [Obs, Info];
  step(action: Act): StepResult<Obs>;
  close?(): void;
}

/** One transition of a tabular model: P[s][a] is a list of these (Gymnasium's toy-text convention). */
export interface Transition {
  prob: number;
  next: number;
  reward: number;
  done: boolean;
}

/** A finite MDP: states 0..nS-1, actions 0..nA-1, P[s][a] = [{ prob, next, reward, done }]. */
export interface TabularMDP {
  nS: number;
  nA: number;
  P: Transition[][][];
}

/**
 * An environment whose episode can be saved and put back (the Arcade Learning Environment's
 * `cloneState` / `restoreState`), as Go-Explore's return phase needs: `restoreState(cloneState())`
 * continues the episode exactly where the snapshot was taken.
 */
export interface RestorableEnv<Obs = unknown, Act = unknown, State = unknown> extends Env<Obs, Act> {
  /** A snapshot of the current episode (including its step count when the environment owns a time limit). */
  cloneState(): State;
  /** Puts the episode back into a snapshot `cloneState()` returned. */
  restoreState(state: State): void;
}
