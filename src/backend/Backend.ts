// The backend seam: one kernel per primitive, checked complete by the compiler.
import type { Prim, PrimParams } from "../autograd/prims.js";
import type { TensorView } from "./storage.js";

export type { DeviceBuffer, TensorView, ViewFactory } from "./storage.js";
export { Storage, View, makeView, setViewFactory, viewFromData } from "./storage.js";

/**
 * A kernel computes one primitive on storage plus layout (any strides; inputs are the op's tensors,
 * seen as {@link TensorView}s) and returns fresh output view(s), made with `viewFromData` from
 * ./storage.ts; view primitives (reshape, permute, expand, slice) may return `makeView(...)` over an
 * input's storage. The autograd engine turns the outputs into tensors. Shapes and dtypes have been
 * validated by the op before the kernel runs.
 */
export type Kernel<P extends Prim> = (inputs: readonly TensorView[], params: PrimParams[P]) => TensorView | TensorView[];

/** A complete backend: a missing kernel is a compile error. */
export type Backend = { readonly [P in Prim]: Kernel<P> };

/** A partial backend that overrides some kernels of another (e.g. WASM over the CPU reference). */
export type BackendOverrides = { readonly [P in Prim]?: Kernel<P> };
