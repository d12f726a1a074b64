// Framework-free checks for the WebGPU agreement cases: each case records what disagreed instead of
// throwing at the first failure, so the same case runs under vitest in Node (test/backend/webgpu/*.test.ts)
// and in a browser page (test/browser/webgpu-entry.ts), which reports its results back as JSON.
import * as ds from "../../../../src/index.js";
import type { WebGPUDevice } from "../../../../src/backend/webgpu/device.js";
import type { GPULayout } from "../../../../src/backend/webgpu/layout.js";

/** Allowed |got − want| ≤ atol + rtol·|want| (both 0: exact). */
export interface Tolerance {
  atol: number;
  rtol: number;
}

const EXACT: Tolerance = { atol: 0, rtol: 0 };

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

const show = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === "number" && !Number.isFinite(x) ? String(x) : x));

/**
 * What one case checked: each method compares and, on disagreement, records a sentence naming the check
 * (its label, or its number in the case) and the values. `maxError` is the largest |got − want| that
 * {@link Checks.close} saw, over all its comparisons.
 */
/** Runs `fn` with `backend` active, then restores the one that was. */
export async function on<T>(backend: ds.BackendName, fn: () => Promise<T>): Promise<T> {
  const initial = ds.getBackendName();
  await ds.setBackend(backend);
  try {
    return await fn();
  } finally {
    await ds.setBackend(initial);
  }
}

export class Checks {
  readonly failures: string[] = [];
  count = 0;
  maxError = 0;

  constructor(readonly gpu: WebGPUDevice) {}

  private label(label: string | undefined): string {
    return label ?? `check ${this.count}`;
  }

  /** `actual` (on the GPU) has `expected`'s shape and dtype, and every value within `tol` (NaN matches NaN, ±∞ must match exactly). */
  async close(actual: GPULayout, expected: ds.Tensor, tol: Tolerance = EXACT, label?: string): Promise<void> {
    this.count++;
    const name = this.label(label);
    if (actual.shape.join() !== expected.shape.join() || actual.dtype !== expected.dtype) {
      this.failures.push(`${name}: got ${actual.dtype} [${actual.shape.join(", ")}], want ${expected.dtype} [${expected.shape.join(", ")}]`);
      return;
    }
    this.compare(await fromGPU(this.gpu, actual), Array.from(expected.contiguous().dataSync() as ArrayLike<number>), tol, name, expected.shape);
  }

  /** Plain numbers, e.g. losses read back from the GPU, each within `tol` of `expected` (NaN matches NaN, ±∞ must match exactly). */
  closeValues(actual: readonly number[], expected: readonly number[], tol: Tolerance = EXACT, label?: string): void {
    this.count++;
    this.compare(actual, expected, tol, this.label(label), [expected.length]);
  }

  private compare(got: readonly number[], want: readonly number[], tol: Tolerance, name: string, shape: readonly number[]): void {
    if (got.length !== want.length) {
      this.failures.push(`${name}: got ${got.length} values, want ${want.length}`);
      return;
    }
    let worst = 0, at = -1;
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!, g = got[i]!;
      if (Number.isNaN(w) && Number.isNaN(g)) continue;
      if (!Number.isFinite(w) || !Number.isFinite(g)) {
        if (g !== w) {
          this.failures.push(`${name}: at index ${i} got ${g}, want ${w} (shape [${shape.join(", ")}])`);
          return;
        }
        continue;
      }
      const error = Math.abs(g - w);
      this.maxError = Math.max(this.maxError, error);
      const excess = error - (tol.atol + tol.rtol * Math.abs(w));
      if (excess > worst) (worst = excess), (at = i);
    }
    if (at >= 0) {
      this.failures.push(`${name}: at index ${at} got ${got[at]}, want ${want[at]}: |error| ${Math.abs(got[at]! - want[at]!)} exceeds atol ${tol.atol} + rtol ${tol.rtol}·|want| (shape [${shape.join(", ")}])`);
    }
  }

  /** Deep equality of plain values (compared as JSON). */
  equal(actual: unknown, expected: unknown, label?: string): void {
    this.count++;
    if (show(actual) !== show(expected)) this.failures.push(`${this.label(label)}: got ${show(actual)}, want ${show(expected)}`);
  }

  /** A condition that must hold, with what it means. */
  ok(condition: boolean, label: string): void {
    this.count++;
    if (!condition) this.failures.push(`${label}: does not hold`);
  }

  /** `fn` throws an error whose message matches `pattern`. */
  throws(fn: () => unknown, pattern: RegExp, label?: string): void {
    this.count++;
    try {
      fn();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!pattern.test(message)) this.failures.push(`${this.label(label)}: threw "${message}", which does not match ${pattern}`);
      return;
    }
    this.failures.push(`${this.label(label)}: did not throw (want an error matching ${pattern})`);
  }

  /** `promise` rejects with an error whose message matches `pattern`. */
  async rejects(promise: Promise<unknown>, pattern: RegExp, label?: string): Promise<void> {
    this.count++;
    try {
      await promise;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!pattern.test(message)) this.failures.push(`${this.label(label)}: rejected with "${message}", which does not match ${pattern}`);
      return;
    }
    this.failures.push(`${this.label(label)}: resolved (want a rejection matching ${pattern})`);
  }
}

/** One agreement case: runs WGSL kernels and the CPU reference on the same inputs and records the comparisons. */
export interface WebGPUCase {
  /** Unique within its group; the test's name in Node and in the browser. */
  name: string;
  run(gpu: WebGPUDevice, t: Checks): Promise<void>;
}

/** The cases of one kernel family, run on one device (one test file in Node). */
export interface WebGPUCaseGroup {
  /** The describe block's title, e.g. "WebGPU matmul" (the adapter is appended). */
  title: string;
  cases: WebGPUCase[];
}

/** What running a case gave: the failures (empty: it passed), how many comparisons ran, the largest |error|, its milliseconds. */
export interface WebGPUCaseResult {
  group: string;
  name: string;
  failures: string[];
  checks: number;
  maxError: number;
  ms: number;
}

/** Runs one case on `gpu`; an exception it throws becomes a failure. */
export async function runCase(gpu: WebGPUDevice, group: WebGPUCaseGroup, c: WebGPUCase): Promise<WebGPUCaseResult> {
  const t = new Checks(gpu);
  const started = performance.now();
  try {
    await c.run(gpu, t);
  } catch (e) {
    t.failures.push(`threw after ${t.count} checks: ${e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e)}`);
  }
  return { group: group.title, name: c.name, failures: t.failures, checks: t.count, maxError: t.maxError, ms: performance.now() - started };
}
