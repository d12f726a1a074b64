// Gradients the library may recycle: the tensor-level half of buffer reuse (the pool itself, which
// knows only storages, is src/backend/pool.ts).
import type { Tensor } from "./Tensor.js";
import { keepGradStorage } from "../backend/pool.js";

export { adoptRecycled, internalOutputs, markOutputsSaved, markOwnedF32, POOLED_ELEMENTS, releaseStorage, takePlainF32, takeRecycledF32 } from "../backend/pool.js";

/** The gradient without marking it as seen by user code (for library code that does not keep it). */
export function peekGrad(t: Tensor): Tensor | null {
  return t.gradValue;
}

/** Sets a gradient that user code has not seen yet. */
export function setGradQuietly(t: Tensor, g: Tensor | null): void {
  t.gradValue = g;
}

/**
 * Drops t's gradient (zeroGrad with setToNone) and keeps its buffer for reuse when nothing outside
 * the library can hold it: never read through `.grad`, a float32 tensor owning all of its storage.
 */
export function dropGrad(t: Tensor): void {
  const g = t.gradValue;
  t.gradValue = null;
  if (g === null || g.gradExposed || g.dtype !== "float32" || g.requiresGrad) return;
  if (g.offset !== 0 || g.storage.data.length !== g.size || !g.isContiguous()) return;
  keepGradStorage(g.storage);
}
