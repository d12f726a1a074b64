// Test helper: a backend whose kernels return tensors (kernels return views; the autograd engine
// normally wraps them), so tests can call kernels directly and read their outputs.
import { Tensor } from "../../src/tensor/Tensor.js";
import type { TensorView } from "../../src/backend/storage.js";

const wrap = (v: TensorView): Tensor => (v instanceof Tensor ? v : new Tensor(v.storage, v.shape, v.strides, v.offset, v.dtype));

/** `backend` with each kernel's output view(s) turned into tensors. */
export function tensorKernels<B extends object>(backend: B): B {
  const out: Record<string, unknown> = {};
  for (const [name, kernel] of Object.entries(backend)) {
    out[name] = (inputs: readonly TensorView[], params: unknown) => {
      const r = (kernel as (i: readonly TensorView[], p: unknown) => TensorView | TensorView[])(inputs, params);
      return Array.isArray(r) ? r.map(wrap) : wrap(r);
    };
  }
  return out as B;
}
