// `npm run bench -- --only=webgpu`: the WGSL GEMM on whatever WebGPU adapter exists, labelled with it.
// On a CPU adapter (Mesa's lavapipe, SwiftShader) the numbers only show that the kernels run: correctness-only.
import { requestWebGPUDevice } from "../src/backend/webgpu/device.js";
import { uploadLayout } from "../src/backend/webgpu/layout.js";
import { matmul } from "../src/backend/webgpu/matmul.js";

/** True for the software adapters, whose timings say nothing about GPUs. */
function isCpuAdapter(name: string): boolean {
  return /llvmpipe|lavapipe|swiftshader|software/i.test(name);
}

export async function benchWebGPU(emit: (r: Record<string, unknown>) => void): Promise<void> {
  let gpu;
  try {
    gpu = await requestWebGPUDevice({ powerPreference: "high-performance" });
  } catch (e) {
    emit({ name: "webgpu", skipped: (e as Error).message });
    return;
  }
  const adapter = gpu.adapterName;
  const cpuAdapter = isCpuAdapter(adapter);
  const note = cpuAdapter ? "CPU adapter (software WebGPU): correctness-only, not a GPU speed" : undefined;
  if (note) console.error(`webgpu bench: ${adapter} is a ${note}`);
  const random = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  for (const n of [256, 512, 1024]) {
    const a = uploadLayout(gpu, random(n * n), [n, n], "float32"), b = uploadLayout(gpu, random(n * n), [n, n], "float32");
    gpu.release(matmul(gpu, a, b).buffer); // compile the pipeline, fill the pool
    await gpu.sync();
    // batches of products recorded into one submit, timed to the GPU's completion
    const budgetMs = cpuAdapter ? 1500 : 1000;
    let reps = 0, batch = 1;
    const start = performance.now();
    while (performance.now() - start < budgetMs) {
      for (let r = 0; r < batch; r++) gpu.release(matmul(gpu, a, b).buffer);
      await gpu.sync();
      reps += batch;
      if (!cpuAdapter) batch = Math.min(batch * 2, 64);
    }
    const ms = (performance.now() - start) / reps;
    emit({ name: `webgpu gemm ${n}x${n}x${n}`, unit: "GFLOP/s", value: (2 * n ** 3) / (ms * 1e6), time_ms: ms, reps, adapter, ...(note ? { note } : {}) });
    gpu.release(a.buffer);
    gpu.release(b.buffer);
  }
  gpu.destroy();
}
