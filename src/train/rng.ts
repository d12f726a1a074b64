// Random-generator state in checkpoints: the global generator, every generator the model holds (e.g.
// Dropout's), and the training loader's shuffling generator, so a resumed run draws what the
// uninterrupted run would have drawn.
import { defaultGenerator, Generator } from "../random/Generator.js";
import type { Loader } from "./fit.js";

/** What `captureRng` returns and `restoreRng` takes (plain JSON; it lives in a checkpoint's `extra.rng`). */
export interface RngState {
  global: number[];
  /** Generators of the model, by `namedGenerators()` path. */
  modules: Record<string, number[]>;
  /** The train loader's generator state (null when it shuffles by seed, which needs no state). */
  trainLoader: number[] | null;
}

interface HasGenerators {
  namedGenerators?(): [string, Generator][];
}

/**
 * The state of every generator a training run draws from.
 * ```ts
 * const rng = train.captureRng({ model, trainLoader });   // ModelCheckpoint stores this as extra.rng
 * train.restoreRng(rng, { model, trainLoader });           // after loading weights and optimizer state
 * ```
 */
export function captureRng(parts: { model?: unknown; trainLoader?: Loader } = {}): RngState {
  const modules: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
  for (const [name, g] of (parts.model as HasGenerators | undefined)?.namedGenerators?.() ?? []) modules[name] = g.getState();
  return { global: defaultGenerator.getState(), modules, trainLoader: parts.trainLoader?.generatorState?.() ?? null };
}

/** Puts every generator back where `captureRng` found it; a generator the state does not name is an error. */
export function restoreRng(state: RngState, parts: { model?: unknown; trainLoader?: Loader } = {}): void {
  if (state === null || typeof state !== "object" || !Array.isArray(state.global)) {
    throw new Error("restoreRng: expected the object captureRng returned ({ global, modules, trainLoader })");
  }
  const named = (parts.model as HasGenerators | undefined)?.namedGenerators?.() ?? [];
  const saved = state.modules ?? {};
  for (const [name, g] of named) {
    const s = Object.hasOwn(saved, name) ? saved[name] : undefined;
    if (!Array.isArray(s)) throw new Error(`restoreRng: the checkpoint has no state for the model's generator "${name}" (it has: ${Object.keys(saved).join(", ") || "none"})`);
    g.setState(s);
  }
  for (const name of Object.keys(saved)) {
    if (!named.some(([n]) => n === name)) throw new Error(`restoreRng: the checkpoint has a generator "${name}" that the model does not have`);
  }
  defaultGenerator.setState(state.global);
  if (state.trainLoader !== null && state.trainLoader !== undefined) {
    if (!parts.trainLoader?.setGeneratorState) throw new Error("restoreRng: the checkpoint has a train-loader generator state; pass the trainLoader to restore it");
    parts.trainLoader.setGeneratorState(state.trainLoader);
  }
}
