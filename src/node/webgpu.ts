// Node's WebGPU: Dawn's bindings (the optional `webgpu` npm package), loaded on first use only.

/**
 * The `GPU` object of Dawn's Node bindings (`navigator.gpu`'s counterpart), or null with the reason when
 * the optional `webgpu` package is not installed or does not load on this platform. Typed `object` so
 * that public declarations need no WebGPU types; src/backend/webgpu/device.ts narrows it.
 */
export async function nodeWebGPU(): Promise<{ gpu: object; reason?: undefined } | { gpu: null; reason: string }> {
  try {
    const dawn = (await import("webgpu")) as { create(flags: string[]): object; globals: object };
    // The WebGPU constants (GPUBufferUsage, GPUMapMode, ...) that browsers define globally.
    for (const [name, value] of Object.entries(dawn.globals)) {
      if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
    }
    return { gpu: dawn.create([]) };
  } catch (e) {
    return { gpu: null, reason: `the optional package "webgpu" (Dawn's Node bindings) did not load: ${(e as Error).message}` };
  }
}
