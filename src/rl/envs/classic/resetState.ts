// Reads the `options.state` reset option shared by the classic-control environments.

/**
 * Returns `options.state` as a fresh array when present (it must hold `names.length` finite numbers),
 * or undefined when absent. `context` names the caller for errors, e.g. "CartPole-v1.reset".
 */
export function stateOption(options: Record<string, unknown> | undefined, names: readonly string[], context: string): number[] | undefined {
  const state = options?.["state"];
  if (state === undefined) return undefined;
  const ok =
    (Array.isArray(state) || state instanceof Float64Array) &&
    state.length === names.length &&
    Array.from(state as ArrayLike<unknown>).every((v) => typeof v === "number" && Number.isFinite(v));
  if (!ok) {
    throw new Error(`${context}: options.state must be ${names.length} finite numbers [${names.join(", ")}], got ${JSON.stringify(Array.isArray(state) ? state : String(state))}`);
  }
  return Array.from(state as ArrayLike<number>);
}
