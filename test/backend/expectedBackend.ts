// The backend a test run expects: "cpu" when the environment asks for it (DEEPSCRIPT_BACKEND=cpu), else
// "wasm". Tests of the WASM kernels assert it up front, so a silent fallback to the CPU reference
// (which would make them compare the TypeScript loop with itself) fails them instead of passing.
import { expect } from "vitest";
import * as ds from "../../src/index.js";

export const expectedBackend: "cpu" | "wasm" = process.env["DEEPSCRIPT_BACKEND"] === "cpu" ? "cpu" : "wasm";

/** True when this run is meant to exercise the WASM kernels (use with `it.skipIf(!wasmExpected)`). */
export const wasmExpected = expectedBackend === "wasm";

/** Fails unless the WASM backend is the active one. */
export function expectWasmActive(): void {
  expect(ds.getBackendName(), "the WASM backend was expected (DEEPSCRIPT_BACKEND is not cpu) but is not active").toBe("wasm");
}
