// Browser-side half of test/browser/webgpu.test.ts: bundled by esbuild and loaded by headless Chromium
// (WebGPU on SwiftShader). It asks navigator.gpu for a device and reports the adapter at once
// (`globalThis.__webgpuAdapter`), then runs every WebGPU agreement case of test/backend/webgpu/cases — the
// same functions the Node tests run on Dawn — one device per group, and leaves the per-case results as JSON
// in `globalThis.__webgpuResults` (`__webgpuProgress` counts the cases done, for a timeout's message); an
// exception outside the cases goes to `globalThis.__webgpuError`, which fails the test.
import { requestWebGPUDevice } from "../../src/backend/webgpu/device.js";
import { runCase, type WebGPUCaseResult } from "../backend/webgpu/cases/check.js";
import { caseGroups } from "../backend/webgpu/cases/index.js";
import type { WebGPUPageAdapter } from "./protocol.js";

interface PageGlobals {
  navigator?: { userAgent?: string };
  location?: { search?: string };
  __webgpuAdapter?: string;
  __webgpuResults?: string;
  __webgpuProgress?: number;
  __webgpuError?: string;
}
const g = globalThis as unknown as PageGlobals;

async function main(): Promise<void> {
  const userAgent = g.navigator?.userAgent ?? "";
  let probe;
  try {
    probe = await requestWebGPUDevice();
  } catch (e) {
    g.__webgpuAdapter = JSON.stringify({ adapter: null, reason: (e as Error).message, userAgent } satisfies WebGPUPageAdapter);
    return;
  }
  g.__webgpuAdapter = JSON.stringify({ adapter: probe.adapterName, reason: `adapter: ${probe.adapterName}`, userAgent } satisfies WebGPUPageAdapter);
  probe.destroy();
  // ?group=<title> runs one group only (for debugging a case in a visible browser).
  const only = new URLSearchParams(g.location?.search ?? "").get("group");
  const results: WebGPUCaseResult[] = [];
  g.__webgpuProgress = 0;
  for (const group of caseGroups) {
    if (only !== null && group.title !== only) continue;
    // One device per group, as each Node test file has its own.
    const gpu = await requestWebGPUDevice();
    for (const c of group.cases) {
      results.push(await runCase(gpu, group, c));
      g.__webgpuProgress++;
    }
    gpu.destroy();
  }
  g.__webgpuResults = JSON.stringify(results);
}

main().catch((error: unknown) => {
  g.__webgpuError = error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error);
});
