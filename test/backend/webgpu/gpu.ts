// Shared by the WebGPU tests: one device per test file (or the reason there is none, for skipIf), CPU
// tensors uploaded with their exact layout (strides and offset included), closeness checks, and
// describeCases, which runs a group of framework-free cases (./cases) as one describe block.
import { afterAll, describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { requestWebGPUDevice, type WebGPUDevice } from "../../../src/backend/webgpu/device.js";
import type { GPULayout } from "../../../src/backend/webgpu/layout.js";
import { fromGPU, runCase, type WebGPUCaseGroup } from "./cases/check.js";

export { fromGPU, toGPU } from "./cases/check.js";

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

/**
 * One describe block per case group, named with the adapter (or skipped with the reason there is none),
 * one `it` per case on a device of its own: a case passes when it ran at least one comparison and none
 * disagreed. test/browser/webgpu.test.ts runs the same groups in Chromium.
 */
export async function describeCases(group: WebGPUCaseGroup): Promise<void> {
  const { gpu, reason } = await probeWebGPU();
  describe.skipIf(gpu === null)(`${group.title} (${reason})`, () => {
    afterAll(() => gpu?.destroy());
    for (const c of group.cases) {
      it(c.name, async () => {
        const result = await runCase(gpu!, group, c);
        expect(result.failures).toEqual([]);
        expect(result.checks).toBeGreaterThan(0);
      });
    }
  });
}
