// Environment registry: `register(id, factory, { maxEpisodeSteps })` and `make(id, options)`, as Gymnasium's.
//
// The registry is one module-level Map, so any module can add its environments by calling `register`
// when it is imported (src/rl/index.ts imports them all). Built-in ids registered here:
//   CartPole-v1 (500 steps), MountainCar-v0 (200), Pendulum-v1 (200),
//   FrozenLake-v1 (4x4 map, 100), FrozenLake8x8-v1 (8x8 map, 200) — Gymnasium's time limits — and
//   Maze-v0 (no TimeLimit wrapper: the maze truncates itself, so that its snapshots hold the step count).
// As in Gymnasium, the limit belongs to the id: make("FrozenLake-v1", { mapName: "8x8" }) keeps 100
// steps; use make("FrozenLake8x8-v1") (or pass maxEpisodeSteps: 200) for the 8x8 limit.

import type { Env } from "./Env.js";
import { TimeLimit } from "./wrappers.js";
import { CartPole } from "./envs/classic/CartPole.js";
import { MountainCar } from "./envs/classic/MountainCar.js";
import { Pendulum } from "./envs/classic/Pendulum.js";
import { FrozenLake } from "./envs/FrozenLake.js";
import { Maze } from "./envs/Maze.js";

/** Builds an environment from the options given to `make` (minus `maxEpisodeSteps`). */
export type EnvFactory = (options: Record<string, unknown>) => Env<unknown, unknown>;

/**
 * An environment registration, as {@link register} stored it and {@link spec} returns it: the id, its
 * factory, the time limit, the default options and the accepted option names (Gymnasium's `EnvSpec`).
 */
export interface EnvSpec {
  id: string;
  factory: EnvFactory;
  /** Time limit applied by `make` with a `TimeLimit` wrapper; undefined means none. */
  maxEpisodeSteps: number | undefined;
  /** Options passed to the factory before the caller's own (e.g. `{ mapName: "8x8" }`). */
  defaultOptions: Record<string, unknown>;
  /** When given, `make` rejects option names outside this list (catches typos such as `isSlipery`). */
  optionKeys: readonly string[] | undefined;
}

/**
 * Options of {@link register}: the time limit `make` applies, default options for the factory, the accepted
 * option names, and whether to replace an existing registration.
 */
export interface RegisterOptions {
  maxEpisodeSteps?: number;
  defaultOptions?: Record<string, unknown>;
  /** The option names the factory understands; `make` rejects any other. */
  optionKeys?: readonly string[];
  /** Replace an existing registration instead of throwing. */
  override?: boolean;
}

const registry = new Map<string, EnvSpec>();

/**
 * Adds an environment id. Ids follow Gymnasium's `Name-vN`; registering an id twice throws unless
 * `override: true`.
 *
 * ```ts
 * register("GridWorld-v0", (opts) => new GridWorld(opts), { maxEpisodeSteps: 100 });
 * ```
 */
export function register(id: string, factory: EnvFactory, options: RegisterOptions = {}): void {
  if (registry.has(id) && !options.override) {
    throw new Error(`register: environment id "${id}" is already registered (pass { override: true } to replace it)`);
  }
  const { maxEpisodeSteps } = options;
  if (maxEpisodeSteps !== undefined && (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0)) {
    throw new Error(`register("${id}"): maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
  }
  registry.set(id, { id, factory, maxEpisodeSteps, defaultOptions: { ...options.defaultOptions },
    optionKeys: options.optionKeys,
  });
}

/** The registered ids, sorted. */
export function registeredIds(): string[] {
  return [...registry.keys()].sort();
}

/** The registration of `id` (throws like `make` for an unknown id). */
export function spec(id: string): EnvSpec {
  const found = registry.get(id);
  if (found === undefined) {
    throw new Error(`make: unknown environment id "${id}"; registered ids: ${registeredIds().join(", ")}`);
  }
  return found;
}

/**
 * Options of {@link make}: an override of the registered time limit; every other key goes to the
 * environment's factory.
 */
export interface MakeOptions {
  /** Overrides the registered time limit; `null` means no TimeLimit wrapper. */
  maxEpisodeSteps?: number | null;
  /** Everything else goes to the environment's factory (e.g. `{ isSlippery: false }`). */
  [option: string]: unknown;
}

/**
 * Observation and action types of registered ids, so that `make("CartPole-v1")` is typed
 * `Env<number[], number>`. Modules that register ids can add theirs by declaration merging:
 *
 * ```ts
 * declare module "../registry.js" {
 *   interface EnvTypes { "GridWorld-v0": Env<number, number> }
 * }
 * ```
 */
export interface EnvTypes {
  "CartPole-v1": Env<number[], number>;
  "MountainCar-v0": Env<number[], number>;
  "Pendulum-v1": Env<number[], number[]>;
  "FrozenLake-v1": Env<number, number>;
  "FrozenLake8x8-v1": Env<number, number>;
  "Maze-v0": Env<number[], number>;
}

/**
 * Creates the environment registered as `id`, wrapped in `TimeLimit` when the registration (or
 * `options.maxEpisodeSteps`) gives a limit. The returned env's `id` is `id`.
 *
 * ```ts
 * const env = make("CartPole-v1");                       // TimeLimit(CartPole, 500)
 * const lake = make("FrozenLake-v1", { isSlippery: false });
 * ```
 */
export function make<K extends keyof EnvTypes>(id: K, options?: MakeOptions): EnvTypes[K];
export function make<Obs = unknown, Act = unknown>(id: string, options?: MakeOptions): Env<Obs, Act>;
export function make(id: string, options: MakeOptions = {}): Env<unknown, unknown> {
  const found = spec(id);
  const { maxEpisodeSteps, ...envOptions } = options;
  const unknownKeys = Object.keys(envOptions).filter((k) => found.optionKeys !== undefined && !found.optionKeys.includes(k));
  if (unknownKeys.length > 0) {
    throw new Error(
      `make("${id}"): unknown option(s) ${unknownKeys.join(", ")}; known options: ${[...(found.optionKeys ?? []), "maxEpisodeSteps"].join(", ")}`,
    );
  }
  const env = found.factory({ ...found.defaultOptions, ...envOptions });
  // As Gymnasium's env.spec.id: the environment itself answers to the id it was made under, so its
  // errors name it (FrozenLake8x8-v1 is a FrozenLake whose class default id is FrozenLake-v1).
  if (env.id !== id) Object.defineProperty(env, "id", { value: id, enumerable: true });
  const limit = maxEpisodeSteps === undefined ? found.maxEpisodeSteps : maxEpisodeSteps ?? undefined;
  if (limit === undefined) return env;
  const limited = new TimeLimit(env, limit);
  limited.id = id;
  return limited;
}

const frozenLakeKeys = ["desc", "mapName", "isSlippery", "successRate", "rewardSchedule"];
register("CartPole-v1", (opts) => new CartPole(opts), {
  maxEpisodeSteps: 500,
  optionKeys: ["suttonBartoReward", "kinematicsIntegrator"],
});
register("MountainCar-v0", (opts) => new MountainCar(opts), { maxEpisodeSteps: 200, optionKeys: ["goalVelocity"] });
register("Pendulum-v1", (opts) => new Pendulum(opts), { maxEpisodeSteps: 200, optionKeys: ["g"] });
register("FrozenLake-v1", (opts) => new FrozenLake(opts), {
  maxEpisodeSteps: 100,
  defaultOptions: { mapName: "4x4" },
  optionKeys: frozenLakeKeys,
});
register("FrozenLake8x8-v1", (opts) => new FrozenLake(opts), {
  maxEpisodeSteps: 200,
  defaultOptions: { mapName: "8x8" },
  optionKeys: frozenLakeKeys,
});
// No TimeLimit wrapper: the maze truncates itself after maxSteps, so that its snapshots hold the step count.
register("Maze-v0", (opts) => new Maze(opts), { optionKeys: ["layout", "size", "layoutSeed", "maxSteps"] });
