// Checks the seeds and reset arguments of environments and spaces, as Gymnasium's `np_random` checks seeds.

import type { ResetOptions } from "./Env.js";

/**
 * The largest seed accepted: the generator starts from a 32-bit value, so seeds in [0, 2^32 − 1] each
 * start their own stream, while larger numbers would share (wrap onto) the streams of smaller ones.
 */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * Returns `seed` when it is an integer in [0, 2^32 − 1], else throws naming `context` (e.g.
 * "CartPole-v1.reset"). Gymnasium's `np_random` also refuses negative and non-integer seeds.
 */
export function checkSeed(seed: unknown, context: string, what = "seed"): number {
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new Error(
      `${context}: ${what} must be an integer in [0, 2^32 − 1], got ${typeof seed === "string" ? JSON.stringify(seed) : String(seed)} ` +
        "(non-negative as in Gymnasium; larger seeds would wrap onto the streams of smaller ones)",
    );
  }
  return seed;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Checks the argument of an environment's `reset`: `{ seed?, options? }` with a valid seed (`null` or
 * absent keeps the current stream, as Gymnasium's `seed=None`) and only the option keys in `known`.
 * Gymnasium ignores unknown option keys; here they are errors, since a misspelt option would otherwise
 * be silently ignored. `envId` names the environment in the errors.
 */
export function resetArgs(args: ResetOptions | undefined, envId: string, known: readonly string[]): { seed: number | undefined; options: Record<string, unknown> } {
  const context = `${envId}.reset`;
  if (args === undefined) return { seed: undefined, options: {} };
  if (!isPlainObject(args)) throw new Error(`${context}: expected { seed?, options? }, got ${String(args)}`);
  for (const key of Object.keys(args)) {
    if (key !== "seed" && key !== "options") throw new Error(`${context}: unknown argument "${key}"; reset takes { seed, options }`);
  }
  const seed = args.seed === undefined || args.seed === null ? undefined : checkSeed(args.seed, context);
  const options = args.options ?? {};
  if (!isPlainObject(options)) throw new Error(`${context}: options must be an object of reset options, got ${JSON.stringify(options)}`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const honoured = known.length === 0 ? `${envId} takes no reset options` : `${envId} honours: ${known.join(", ")}`;
      throw new Error(`${context}: unknown option "${key}"; ${honoured}`);
    }
  }
  return { seed, options };
}
