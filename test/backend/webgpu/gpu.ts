// Shared by the WebGPU tests: one device per test file (or the reason there is none, for skipIf), CPU
// tensors uploaded with their exact layout (strides and offset included), and closeness checks.
import { expect } from "vitest";
import * as ds from "../../../src/index.js";
import { requestWebGPUDevice, type WebGPUDevice } from "../../../src/backend/webgpu/device.js";
import type { GPULayout } from "../../../src/backend/webgpu/layout.js";

/** A device, or null and why not (the WebGPU describe blocks skip with that reason in their name). */
export async function probeWebGPU(): Promise<{ gpu: WebGPUDevice; reason: string } | { gpu: null; reason: string }> {
  try {
    const gpu = await requestWebGPUDevice();
    return { gpu, reason: `adapter: ${gpu.adapterName}` };
  } catch (e) {
    const reason = `skipped, no WebGPU adapter: ${(e as Error).message}`;
    console.warn(`WebGPU tests ${reason}`);
    return { gpu: null, reason };
  }
}

/** The CPU tensor's storage uploaded whole, seen through the tensor's own shape, strides and offset. */
export function toGPU(gpu: WebGPUDevice, t: ds.Tensor): GPULayout {
  const data = t.storage.data;
  if (data instanceof Float64Array) throw new Error("toGPU: float64 tensors stay on the CPU");
  return { buffer: gpu.upload(data), shape: t.shape, strides: t.strides, offset: t.offset, dtype: t.dtype };
}

/** The values of a contiguous GPU layout as plain numbers. */
export async function fromGPU(gpu: WebGPUDevice, x: GPULayout): Promise<number[]> {
  const n = x.shape.reduce((a, b) => a * b, 1);
  const dtype = x.dtype === "float64" ? "float32" : x.dtype;
  return Array.from(await gpu.download(x.buffer, dtype, n, x.offset));
}

/** Same shape and every value within atol + rtol·|expected| (NaN matches NaN, ±∞ must match exactly). */
export async function expectClose(gpu: WebGPUDevice, actual: GPULayout, expected: ds.Tensor, tol: { atol: number; rtol: number } = { atol: 0, rtol: 0 }): Promise<void> {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toBe(expected.dtype);
  const got = await fromGPU(gpu, actual);
  const want = Array.from(expected.contiguous().dataSync() as ArrayLike<number>);
  expect(got.length).toBe(want.length);
  let worst = 0, at = -1;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!, g = got[i]!;
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      if (g !== w) return void expect({ index: i, got: g }).toEqual({ index: i, got: w });
      continue;
    }
    const excess = Math.abs(g - w) - (tol.atol + tol.rtol * Math.abs(w));
    if (excess > worst) (worst = excess), (at = i);
  }
  if (at >= 0) expect({ index: at, got: got[at] }).toEqual({ index: at, got: want[at] });
}
