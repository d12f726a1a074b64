/// <reference types="@webgpu/types" />
// What the primitive-shaped WebGPU kernels share: their signature (the backend table's Kernel<P> over
// GPU layouts), WGSL index arithmetic over strided dims, and dense copies of strided operands.
import type { Prim, PrimParams } from "../../autograd/prims.js";
import type { WebGPUDevice } from "./device.js";
import { contiguous } from "./elementwise.js";
import { isContiguous, type GPULayout } from "./layout.js";

/**
 * A WebGPU kernel of primitive P: the op's input layouts (in the primitive's order) and its params
 * → fresh output layout(s), as the CPU kernel of P returns views (src/backend/Backend.ts: Kernel<P>).
 */
export type WebGPUKernel<P extends Prim> = (gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams[P]) => GPULayout | GPULayout[];

/** Threads per workgroup of the one-thread-per-element kernels. */
export const WG = 256;

/**
 * WGSL that adds to each of `vars` the offset of the flat index `flat` over `rank` dims whose sizes sit
 * in prm at `shapeAt` and whose strides (one list per var) sit in prm at `strideAt[k]` (row-major: the
 * last dim varies fastest). It declares `r`, `s` and `q` in inner scopes: the vars must be named otherwise.
 */
export function decompose(flat: string, rank: number, shapeAt: number, strideAt: readonly number[], vars: readonly string[]): string {
  if (rank === 0) return "";
  const lines = [`  { var r = ${flat};`];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(d > 0 ? `    { let s = prm[${shapeAt + d}]; let q = r % s; r = r / s;` : "    { let q = r;");
    vars.forEach((v, k) => lines.push(`      ${v} += q * prm[${strideAt[k]! + d}];`));
    lines.push("    }");
  }
  lines.push("  }");
  return lines.join("\n");
}

/** WGSL of the linear thread index of a 1-D grid of WG-wide workgroups laid out by grid(). */
export const THREAD_INDEX = `i32((wid.y * nwg.x + wid.x) * ${WG}u + lid)`;

/** The builtins every kernel's entry point takes. */
export const ENTRY_ARGS = "@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32";

/**
 * `x` itself when it is a dense row-major block, else a contiguous copy; `temps` collects the copies,
 * which the caller hands back with {@link releaseAll} once its dispatches are recorded.
 */
export function dense(gpu: WebGPUDevice, x: GPULayout, temps: GPUBuffer[]): GPULayout {
  if (isContiguous(x)) return x;
  const copy = contiguous(gpu, x);
  temps.push(copy.buffer);
  return copy;
}

/** Returns temporary buffers to the pool (reused only after the batch that reads them is submitted). */
export function releaseAll(gpu: WebGPUDevice, temps: readonly GPUBuffer[]): void {
  for (const b of temps) gpu.release(b);
}

/** Bits of −∞ as an i32 (a constant −∞ does not compile in WGSL, so it arrives as a parameter). */
export const NEG_INF_BITS = 0xff800000 | 0;

/** WGSL's NaN test by the bits (the compiler may fold v != v away). */
export const ISNAN = "fn ds_isnan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }";

/**
 * WGSL of the index check, for kernels that read indices: `ds_bad_index(code, j)` records index `j` and
 * the kernel's code (from WebGPUDevice.indexCheck) into `ierr`, bound read_write at `binding`, unless an
 * earlier index out of range was recorded first. The next read from the device throws the error.
 */
export function indexCheckWGSL(binding: number): string {
  return /* wgsl */ `
@group(0) @binding(${binding}) var<storage, read_write> ierr: array<atomic<i32>, 4>;
fn ds_bad_index(code: i32, j: i32) {
  if (atomicLoad(&ierr[0]) != 0) { return; }
  loop {
    let r = atomicCompareExchangeWeak(&ierr[0], 0, code);
    if (r.exchanged) { atomicStore(&ierr[1], j); break; }
    if (r.old_value != 0) { break; }
  }
}`;
}

/** The sentence of an index out of range in `op` ("{index}" marks the index), as the CPU kernels word it, with the shapes. */
export function indexErrorText(op: string, dim: number, size: number, input: readonly number[], index: readonly number[]): string {
  return `${op}: index {index} is out of bounds for dimension ${dim} with size ${size} (input of shape [${input.join(", ")}], index of shape [${index.join(", ")}])`;
}
