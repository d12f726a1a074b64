// checkEnv: checks that an environment keeps the Gymnasium API contract of Env.ts; throws on the first breach.
//
// Inspired by Gymnasium's `gymnasium.utils.env_checker.check_env`
// (https://gymnasium.farama.org/api/utils/#gymnasium.utils.env_checker.check_env).

import type { Env } from "./Env.js";
import { formatValue } from "./spaces.js";

/** Options of {@link checkEnv}: the seed of the determinism check and the step budget of each rollout. */
export interface CheckEnvOptions {
  /** Seed used for the determinism check (default 123). */
  seed?: number;
  /** Steps taken per rollout while looking for the end of an episode (default 1000). */
  maxSteps?: number;
}

/**
 * Validates `env` against the API, throwing an Error that says what is wrong:
 *
 * 1. `observationSpace` and `actionSpace` exist and have `sample`, `contains`, `seed`;
 * 2. `reset({ seed })` returns `[obs, info]` with `obs` in the observation space and `info` an object;
 * 3. `step(action)` returns `[obs, reward, terminated, truncated, info]`: obs in the space, reward a
 *    finite number, two booleans, an info object;
 * 4. determinism: two resets with the same seed followed by the same actions give identical
 *    observations, rewards, flags and infos (up to the end of the episode or `maxSteps`);
 * 5. stepping after the episode ended throws (checked when an episode ends within `maxSteps`
 *    random steps; an env that never ends, such as a bare Pendulum, skips this check);
 * 6. an action outside the action space throws (tried with values the action space rejects:
 *    NaN, -1, 1e9, a string, an empty array, a one-element array, an object).
 */
export function checkEnv<Obs, Act>(env: Env<Obs, Act>, options: CheckEnvOptions = {}): void {
  const seed = options.seed ?? 123;
  const maxSteps = options.maxSteps ?? 1000;
  const name = env.id ?? env.constructor.name;
  const fail = (msg: string): never => {
    throw new Error(`checkEnv(${name}): ${msg}`);
  };

  for (const [label, space] of [["observationSpace", env.observationSpace], ["actionSpace", env.actionSpace]] as const) {
    if (space === undefined || space === null) fail(`${label} is missing`);
    for (const method of ["sample", "contains", "seed"] as const) {
      if (typeof space[method] !== "function") fail(`${label}.${method} is not a function`);
    }
  }

  // 1-3, 4: two seeded rollouts with the same actions.
  const rollout = (): unknown[] => {
    const trace: unknown[] = [];
    env.actionSpace.seed(seed);
    const resetResult: unknown = env.reset({ seed });
    if (!Array.isArray(resetResult) || resetResult.length !== 2) {
      fail(`reset() must return [observation, info], got ${formatValue(resetResult)}`);
    }
    const [obs, info] = resetResult as unknown[];
    if (!env.observationSpace.contains(obs)) {
      fail(`reset() observation ${formatValue(obs)} is not in the observation space ${String(env.observationSpace)}`);
    }
    if (!isInfo(info)) fail(`reset() info must be a plain object, got ${formatValue(info)}`);
    trace.push(obs, info);
    for (let t = 0; t < maxSteps; t++) {
      const action = env.actionSpace.sample();
      if (!env.actionSpace.contains(action)) fail(`actionSpace.sample() gave ${formatValue(action)}, which it does not contain`);
      const result: unknown = env.step(action);
      if (!Array.isArray(result) || result.length !== 5) {
        fail(`step(${formatValue(action)}) must return [obs, reward, terminated, truncated, info], got ${formatValue(result)}`);
      }
      const [nextObs, reward, terminated, truncated, stepInfo] = result as unknown[];
      const at = `step ${t} (action ${formatValue(action)})`;
      if (!env.observationSpace.contains(nextObs)) {
        fail(`${at}: observation ${formatValue(nextObs)} is not in the observation space ${String(env.observationSpace)}`);
      }
      if (typeof reward !== "number" || !Number.isFinite(reward)) fail(`${at}: reward must be a finite number, got ${formatValue(reward)}`);
      if (typeof terminated !== "boolean") fail(`${at}: terminated must be a boolean, got ${formatValue(terminated)}`);
      if (typeof truncated !== "boolean") fail(`${at}: truncated must be a boolean, got ${formatValue(truncated)}`);
      if (!isInfo(stepInfo)) fail(`${at}: info must be a plain object, got ${formatValue(stepInfo)}`);
      trace.push(action, nextObs, reward, terminated, truncated, stepInfo);
      if (terminated || truncated) break;
    }
    return trace;
  };

  const first = rollout();
  const ended = first.length > 2 && (first[first.length - 3] === true || first[first.length - 2] === true);

  // 5: the episode of `first` may have ended; stepping it again must throw.
  if (ended) {
    const action = env.actionSpace.sample();
    if (!throws(() => env.step(action))) fail(`step(${formatValue(action)}) after the episode ended did not throw`);
  }

  const second = rollout();
  const mismatch = firstDifference(first, second);
  if (mismatch !== undefined) {
    fail(`two rollouts after reset({ seed: ${seed} }) with the same actions differ at ${mismatch}; the env is not deterministic per seed`);
  }

  // 6: invalid actions.
  env.reset({ seed });
  const candidates: unknown[] = [Number.NaN, -1, 1e9, "not an action", [], [Number.NaN], {}];
  const invalid = candidates.filter((a) => !env.actionSpace.contains(a));
  if (invalid.length === 0) fail("could not find an action outside the action space to test invalid actions with");
  // Viewed as taking any action, so that we can pass values the action space rejects.
  const anyActionEnv: Env<Obs, unknown> = env;
  for (const action of invalid) {
    env.reset({ seed });
    if (!throws(() => anyActionEnv.step(action))) fail(`step(${formatValue(action)}) with an action outside ${String(env.actionSpace)} did not throw`);
  }
}

function isInfo(x: unknown): boolean {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function throws(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch {
    return true;
  }
}

/** Path of the first difference between two values (deep, NaN equal to NaN), or undefined when equal. */
function firstDifference(a: unknown, b: unknown, path = "$"): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") {
    return `${path} (${formatValue(a)} vs ${formatValue(b)})`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path} (array vs non-array)`;
  const ka = Object.keys(a as object), kb = Object.keys(b as object);
  if (ka.length !== kb.length) return `${path} (keys [${ka.join(", ")}] vs [${kb.join(", ")}])`;
  for (const k of ka) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}[${k}]`);
    if (d !== undefined) return d;
  }
  return undefined;
}
