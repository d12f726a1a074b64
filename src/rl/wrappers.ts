// Gymnasium's common environment wrappers: TimeLimit, RecordEpisodeStatistics, TransformObservation,
// TransformReward, ClipAction.
//
// Reference: https://gymnasium.farama.org/api/wrappers/ . Each wrapper is itself an `Env` holding the
// wrapped one in `env`; `unwrapped(env)` walks down to the innermost environment.

import type { Env, Info, ResetOptions, Space, StepResult } from "./Env.js";
import { Box, formatValue } from "./spaces.js";

/** Anything that wraps another environment. */
export interface EnvWrapper {
  readonly env: object;
}

function isWrapper(env: object): env is EnvWrapper {
  return "env" in env && typeof (env as { env?: unknown }).env === "object";
}

/** The innermost environment under any number of wrappers (Gymnasium's `env.unwrapped`). */
export function unwrapped(env: object): object {
  let inner: object = env;
  while (isWrapper(inner)) inner = inner.env;
  return inner;
}

/** Forwards everything to `env`; subclasses override what they change. */
export class Wrapper<Obs, Act> implements Env<Obs, Act> {
  readonly env: Env<Obs, Act>;
  /** The registry id; `make` sets it on the outermost wrapper. */
  id: string | undefined;

  constructor(env: Env<Obs, Act>) {
    this.env = env;
    this.id = env.id;
  }

  get observationSpace(): Space<Obs> {
    return this.env.observationSpace;
  }

  get actionSpace(): Space<Act> {
    return this.env.actionSpace;
  }

  reset(options?: ResetOptions): [Obs, Info] {
    return this.env.reset(options);
  }

  step(action: Act): StepResult<Obs> {
    return this.env.step(action);
  }

  close(): void {
    this.env.close?.();
  }

  /** Name used in error messages: the id when known, else the wrapper's class name. */
  protected get name(): string {
    return this.id ?? this.constructor.name;
  }
}

/**
 * Cuts episodes off after `maxEpisodeSteps` steps: the step that reaches the limit returns
 * `truncated = true` (also when it terminates at the same time, as Gymnasium does). Stepping again
 * before `reset` throws, like stepping a terminated episode.
 */
export class TimeLimit<Obs, Act> extends Wrapper<Obs, Act> {
  readonly maxEpisodeSteps: number;
  /** Steps taken in the current episode. */
  elapsedSteps = 0;
  private needsReset = true;

  constructor(env: Env<Obs, Act>, maxEpisodeSteps: number) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new Error(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
    }
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  override reset(options?: ResetOptions): [Obs, Info] {
    const result = this.env.reset(options);
    this.elapsedSteps = 0;
    this.needsReset = false;
    return result;
  }

  override step(action: Act): StepResult<Obs> {
    if (this.needsReset) {
      throw new Error(
        `${this.name}.step(${formatValue(action)}): the episode is over (or was never started); call reset() first`,
      );
    }
    const [obs, reward, terminated, innerTruncated, info] = this.env.step(action);
    this.elapsedSteps++;
    const truncated = innerTruncated || this.elapsedSteps >= this.maxEpisodeSteps;
    if (terminated || truncated) this.needsReset = true;
    return [obs, reward, terminated, truncated, info];
  }
}

/** Statistics of one finished episode: return `r` and length `l` (Gymnasium's `info["episode"]`). */
export interface EpisodeStatistics {
  r: number;
  l: number;
}

/**
 * Adds `info.episode = { r, l }` (undiscounted return and length) to the info of the step that ends an
 * episode (terminated or truncated), and keeps the last `bufferLength` returns and lengths.
 */
export class RecordEpisodeStatistics<Obs, Act> extends Wrapper<Obs, Act> {
  readonly bufferLength: number;
  /** Returns of the most recent finished episodes, oldest first. */
  readonly returnQueue: number[] = [];
  /** Lengths of the most recent finished episodes, oldest first. */
  readonly lengthQueue: number[] = [];
  private episodeReturn = 0;
  private episodeLength = 0;

  constructor(env: Env<Obs, Act>, options: { bufferLength?: number } = {}) {
    super(env);
    this.bufferLength = options.bufferLength ?? 100;
  }

  override reset(options?: ResetOptions): [Obs, Info] {
    this.episodeReturn = 0;
    this.episodeLength = 0;
    return this.env.reset(options);
  }

  override step(action: Act): StepResult<Obs> {
    const [obs, reward, terminated, truncated, info] = this.env.step(action);
    this.episodeReturn += reward;
    this.episodeLength++;
    if (!(terminated || truncated)) return [obs, reward, terminated, truncated, info];
    const episode: EpisodeStatistics = { r: this.episodeReturn, l: this.episodeLength };
    this.returnQueue.push(episode.r);
    this.lengthQueue.push(episode.l);
    if (this.returnQueue.length > this.bufferLength) {
      this.returnQueue.shift();
      this.lengthQueue.shift();
    }
    return [obs, reward, terminated, truncated, { ...info, episode }];
  }
}

/**
 * Applies `f` to every observation from `reset` and `step`. Pass the space of the transformed
 * observations (pass `env.observationSpace` when `f` keeps the observations inside it).
 *
 * ```ts
 * const scaled = new TransformObservation(env, (o) => o.map((v) => v / 10), new Box(-1, 1, [4]));
 * ```
 */
export class TransformObservation<Obs, Act, NewObs> implements Env<NewObs, Act> {
  readonly env: Env<Obs, Act>;
  readonly observationSpace: Space<NewObs>;
  readonly f: (obs: Obs) => NewObs;
  id: string | undefined;

  constructor(env: Env<Obs, Act>, f: (obs: Obs) => NewObs, observationSpace: Space<NewObs>) {
    this.env = env;
    this.f = f;
    this.observationSpace = observationSpace;
    this.id = env.id;
  }

  get actionSpace(): Space<Act> {
    return this.env.actionSpace;
  }

  reset(options?: ResetOptions): [NewObs, Info] {
    const [obs, info] = this.env.reset(options);
    return [this.f(obs), info];
  }

  step(action: Act): StepResult<NewObs> {
    const [obs, reward, terminated, truncated, info] = this.env.step(action);
    return [this.f(obs), reward, terminated, truncated, info];
  }

  close(): void {
    this.env.close?.();
  }
}

/** Applies `f` to every reward, e.g. `new TransformReward(env, (r) => Math.sign(r))` for reward clipping. */
export class TransformReward<Obs, Act> extends Wrapper<Obs, Act> {
  readonly f: (reward: number) => number;

  constructor(env: Env<Obs, Act>, f: (reward: number) => number) {
    super(env);
    this.f = f;
  }

  override step(action: Act): StepResult<Obs> {
    const [obs, reward, terminated, truncated, info] = this.env.step(action);
    return [obs, this.f(reward), terminated, truncated, info];
  }
}

/**
 * Clips continuous actions into the wrapped env's `Box` action space before stepping, so agents with
 * Gaussian exploration noise can act freely. Its own action space is the unbounded Box of that shape.
 */
export class ClipAction<Obs> extends Wrapper<Obs, number[]> {
  private readonly bounds: Box;
  private readonly unboundedSpace: Box;

  constructor(env: Env<Obs, number[]>) {
    super(env);
    if (!(env.actionSpace instanceof Box)) {
      throw new Error(`ClipAction: the action space must be a Box, got ${String(env.actionSpace)}`);
    }
    this.bounds = env.actionSpace;
    this.unboundedSpace = new Box(-Infinity, Infinity, env.actionSpace.shape);
  }

  override get actionSpace(): Space<number[]> {
    return this.unboundedSpace;
  }

  override step(action: number[]): StepResult<Obs> {
    if (!this.unboundedSpace.contains(action)) {
      throw new Error(`ClipAction.step: action ${formatValue(action)} is not a vector of ${this.bounds.size} numbers`);
    }
    const clipped = Array.from(action, (a, i) => Math.min(Math.max(a, this.bounds.low[i]!), this.bounds.high[i]!));
    return this.env.step(clipped);
  }
}
