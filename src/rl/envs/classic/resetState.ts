// Reads the reset options of the classic-control environments: `state`, Gymnasium's `low`/`high`, …

import type { Box } from "../../spaces.js";

/**
 * Returns `options.state` as a fresh array when present (it must hold `names.length` finite numbers and
 * pass `check`, which returns a reason when the state is invalid), or undefined when absent. `context`
 * names the caller for errors, e.g. "CartPole-v1.reset".
 */
export function stateOption(
  options: Record<string, unknown>,
  names: readonly string[],
  context: string,
  check: (state: number[]) => string | undefined,
): number[] | undefined {
  const state = options["state"];
  if (state === undefined) return undefined;
  const ok =
    (Array.isArray(state) || state instanceof Float64Array) &&
    state.length === names.length &&
    Array.from(state as ArrayLike<unknown>).every((v) => typeof v === "number" && Number.isFinite(v));
  if (!ok) {
    throw new Error(`${context}: options.state must be ${names.length} finite numbers [${names.join(", ")}], got ${JSON.stringify(Array.isArray(state) ? state : String(state))}`);
  }
  const values = Array.from(state as ArrayLike<number>);
  const reason = check(values);
  if (reason !== undefined) throw new Error(`${context}: options.state [${values.join(", ")}] ${reason}`);
  return values;
}

/** The state must be an element of the observation space (it is the observation). */
export const insideSpace = (space: Box) => (state: number[]): string | undefined =>
  space.contains(state) ? undefined : `is outside the observation space ${String(space)}`;

/** Throws when `state` is combined with one of the sampling-range options `keys`. */
export function exclusiveWithState(options: Record<string, unknown>, keys: readonly string[], context: string): void {
  if (options["state"] !== undefined && keys.some((k) => options[k] !== undefined)) {
    throw new Error(`${context}: options.state cannot be combined with ${keys.join("/")}; the state is then given, not sampled`);
  }
}

/** `options[key]` when present (a finite number), else `fallback`. */
export function numberOption(options: Record<string, unknown>, key: string, fallback: number, context: string): number {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${context}: options.${key} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Gymnasium's `maybe_parse_reset_bounds`: the sampling range `[low, high]` from `options.low`/`options.high`
 * (each defaulting to the environment's own), with low ≤ high. Here the range must also keep every sampled
 * component `components[i]` inside the observation space, so a reset never starts outside it.
 */
export function resetBounds(
  options: Record<string, unknown>,
  defaults: readonly [number, number],
  space: Box,
  components: readonly number[],
  context: string,
): [number, number] {
  exclusiveWithState(options, ["low", "high"], context);
  const low = numberOption(options, "low", defaults[0], context);
  const high = numberOption(options, "high", defaults[1], context);
  if (low > high) throw new Error(`${context}: options.low (${low}) must not exceed options.high (${high})`);
  for (const i of components) {
    if (low < space.low[i]! || high > space.high[i]!) {
      throw new Error(
        `${context}: options [low, high] = [${low}, ${high}] would start outside the observation space ${String(space)} ` +
          `(component ${i} must lie in [${space.low[i]}, ${space.high[i]}])`,
      );
    }
  }
  return [low, high];
}
