// Backend selection: unknown names are errors, and a WASM backend that fails to load falls back to the
// CPU reference with a one-line warning instead of silently.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { expectedBackend, wasmExpected } from "./expectedBackend.js";

const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

interface Child {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Imports the library in a fresh Node process. `noSimd` makes the engine reject the SIMD kernels the way
 * an engine without WebAssembly SIMD does (WebAssembly.validate says no), which is the real load-failure path.
 */
function importInChild(env: Record<string, string>, noSimd: boolean, after = ""): Promise<Child> {
  const script = `
    ${noSimd ? "WebAssembly.validate = () => false;" : ""}
    const ds = await import(${JSON.stringify(entry)});
    console.log(JSON.stringify({ backend: ds.getBackendName(), sum: ds.tensor([1, 2]).add(1).toList() }));
    ${after}`;
  const childEnv: Record<string, string | undefined> = { ...process.env, DEEPSCRIPT_BACKEND: undefined, DEEPSCRIPT_QUIET: undefined, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000, env: childEnv }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("setBackend", () => {
  it("refuses unknown names, listing the available backends, and keeps the active backend", async () => {
    const before = ds.getBackendName();
    for (const name of ["nonsense", "cuda", "WASM", "WebGPU", ""]) {
      await expect(ds.setBackend(name as "cpu")).rejects.toThrow(`setBackend: unknown backend ${JSON.stringify(name)}; available backends: cpu, wasm, webgpu`);
    }
    await expect(ds.setBackend(undefined as unknown as "cpu")).rejects.toThrow(/setBackend: unknown backend undefined; available backends: cpu, wasm, webgpu/);
    expect(ds.getBackendName()).toBe(before);
  });

  it.skipIf(!wasmExpected)("switches between the two backends", async () => {
    await ds.setBackend("cpu");
    expect(ds.getBackendName()).toBe("cpu");
    await ds.setBackend("wasm");
    expect(ds.getBackendName()).toBe("wasm");
  });

  it("this test run got the backend it expects (WASM unless DEEPSCRIPT_BACKEND=cpu)", () => {
    expect(ds.getBackendName()).toBe(expectedBackend);
  });
});

describe("loading the WASM backend at import", () => {
  it("warns in one line when it falls back to the CPU backend, unless DEEPSCRIPT_QUIET is set; DEEPSCRIPT_BACKEND=wasm makes it an error", async () => {
    const [fallback, quiet, required, unknown] = await Promise.all([
      importInChild({}, true),
      importInChild({ DEEPSCRIPT_QUIET: "1" }, true),
      importInChild({ DEEPSCRIPT_BACKEND: "wasm" }, true),
      importInChild({ DEEPSCRIPT_BACKEND: "cuda" }, false),
    ]);
    // Falls back, still computes, and says so on exactly one line of stderr.
    expect(fallback.status).toBe(0);
    expect(JSON.parse(fallback.stdout)).toEqual({ backend: "cpu", sum: [2, 3] });
    const lines = fallback.stderr.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^deepscript: the WASM backend failed to load \(wasm kernels: this engine rejects the SIMD.*\); using the slower CPU reference backend \(DEEPSCRIPT_BACKEND=cpu chooses it, DEEPSCRIPT_QUIET=1 silences this warning\)$/);
    // DEEPSCRIPT_QUIET=1: the same fallback, no output.
    expect(quiet.status).toBe(0);
    expect(JSON.parse(quiet.stdout)).toEqual({ backend: "cpu", sum: [2, 3] });
    expect(quiet.stderr).toBe("");
    // DEEPSCRIPT_BACKEND=wasm: the load failure is an error.
    expect(required.status).not.toBe(0);
    expect(required.stderr).toMatch(/wasm kernels: this engine rejects the SIMD/);
    // An unknown DEEPSCRIPT_BACKEND is an error naming the available backends.
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/DEEPSCRIPT_BACKEND="cuda" is not a backend; available backends: cpu, wasm, webgpu/);
  });

  it.skipIf(!wasmExpected)("where the engine refuses to compile synchronously, computes on the CPU reference until ready() has compiled the kernels", async () => {
    // A page's main thread in Chrome refuses synchronous compilation above a size limit with a RangeError.
    const refuse = `WebAssembly.Module = function () { throw new RangeError("WebAssembly.Module(): synchronous compilation refused"); };`;
    const after = `await ds.ready(); console.log(JSON.stringify({ backend: ds.getBackendName(), threads: ds.getNumThreads() }));`;
    const child = await new Promise<Child>((resolve) => {
      const script = `${refuse}\nconst ds = await import(${JSON.stringify(entry)});\nconsole.log(JSON.stringify({ backend: ds.getBackendName() }));\n${after}`;
      const env = { ...process.env, DEEPSCRIPT_BACKEND: undefined, DEEPSCRIPT_QUIET: undefined };
      execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000, env }, (error, stdout, stderr) => {
        resolve({ status: error ? 1 : 0, stdout, stderr });
      });
    });
    expect(child.stderr).toBe("");
    const [atImport, afterReady] = child.stdout.trim().split("\n").map((line) => JSON.parse(line) as { backend: string; threads?: number });
    expect(atImport).toEqual({ backend: "cpu" });
    expect(afterReady!.backend).toBe("wasm");
    expect(afterReady!.threads).toBeGreaterThanOrEqual(1);
  });

  it.skipIf(!wasmExpected)("computes on WASM right after import; the worker threads start in the background and ready() waits for them", async () => {
    const wasmIndex = fileURLToPath(new URL("../../src/backend/wasm/index.ts", import.meta.url));
    const after = `await ds.ready();
      const { sharedWasmKernels } = await import(${JSON.stringify(wasmIndex)});
      console.log(JSON.stringify({ threads: ds.getNumThreads(), available: sharedWasmKernels().runtime.availableThreads() }));`;
    const child = await importInChild({}, false, after);
    expect(child.stderr).toBe("");
    const [atImport, threads] = child.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(atImport).toEqual({ backend: "wasm", sum: [2, 3] });
    expect(threads!["available"]).toBe(threads!["threads"]);
  });

  it.skipIf(!wasmExpected)("prints nothing where the WASM backend loads", async () => {
    const normal = await importInChild({}, false);
    expect(normal.stderr).toBe("");
    expect(JSON.parse(normal.stdout)).toEqual({ backend: "wasm", sum: [2, 3] });
  });
});
