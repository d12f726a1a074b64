// The backend seam: one kernel per primitive, checked complete by the compiler.
import type { Prim, PrimParams } from "../autograd/prims.js";
import type { Tensor } from "../tensor/Tensor.js";

/**
 * A kernel computes one primitive on concrete tensors (any strides) and returns fresh output
 * tensor(s); view primitives (reshape, permute, expand, slice) may return views sharing storage.
 * Shapes and dtypes have been validated by the op before the kernel runs.
 */
export type Kernel<P extends Prim> = (inputs: readonly Tensor[], params: PrimParams[P]) => Tensor | Tensor[];

/** A complete backend: a missing kernel is a compile error. */
export type Backend = { readonly [P in Prim]: Kernel<P> };

/** A partial backend that overrides some kernels of another (e.g. WASM over the CPU reference). */
export type BackendOverrides = { readonly [P in Prim]?: Kernel<P> };
