// Shared pieces of the WASM kernel tests: one kernels instance, random data, float32 error bounds.
import { Generator } from "../../../src/random/Generator.js";
import { WasmKernels } from "../../../src/backend/wasm/WasmKernels.js";

let instance: Promise<WasmKernels> | null = null;

/** One kernels instance per test file, with 2 threads available. */
export function kernels(): Promise<WasmKernels> {
  instance ??= WasmKernels.create({ threads: 2 });
  return instance;
}

/** Unit roundoff of float32 (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §2.1). */
export const U32 = 2 ** -24;

export function randomArray(gen: Generator, length: number, low = -1, high = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = gen.uniform(low, high);
  return out;
}
