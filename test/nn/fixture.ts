// Loads the PyTorch reference values written by test/fixtures/nn/make_nn_fixture.py.
import { readFileSync } from "node:fs";
import { Tensor } from "../../src/tensor/Tensor.js";
import { tensor } from "../../src/ops/creation.js";
import type { DType } from "../../src/tensor/dtype.js";

export interface TensorJson {
  shape: number[];
  dtype: DType;
  data: number[];
}

export function fromJson(t: TensorJson, options: { requiresGrad?: boolean } = {}): Tensor {
  return tensor(t.data, { dtype: t.dtype, shape: t.shape, requiresGrad: options.requiresGrad });
}

/** Largest |a − b| / max(1, |b|) over all elements (shapes must agree). */
export function maxRelErr(actual: Tensor, expected: TensorJson): number {
  if (actual.shape.join(",") !== expected.shape.join(",")) {
    throw new Error(`shape mismatch: got [${actual.shape}] expected [${expected.shape}]`);
  }
  const a = actual.toList();
  let err = 0;
  for (let i = 0; i < a.length; i++) {
    const e = expected.data[i]!;
    err = Math.max(err, Math.abs(a[i]! - e) / Math.max(1, Math.abs(e)));
  }
  return err;
}

/** 1e-10 for float64 cases, 1e-5 for float32 ones (the tolerances of the acceptance criteria). */
export const tol = (t: TensorJson): number => (t.dtype === "float32" ? 1e-5 : 1e-10);

export interface LayerCase {
  name: string;
  kind: string;
  args: unknown[];
  options: Record<string, unknown>;
  train: boolean;
  state: Record<string, TensorJson>;
  inputs: TensorJson[];
  output: TensorJson;
  gradOutput: TensorJson;
  gradInputs: (TensorJson | null)[];
  gradParams: Record<string, TensorJson>;
  stateAfter: Record<string, TensorJson>;
}
export interface ActivationCase {
  name: string;
  fn: string;
  args: (number | string)[];
  input: TensorJson;
  output: TensorJson;
  gradOutput: TensorJson;
  gradInput: TensorJson;
}
export interface LossCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  inputs: TensorJson[];
  output: TensorJson;
  gradOutput: TensorJson;
  gradInputs: (TensorJson | null)[];
}

export const nnRef: { torch_version: string; layers: LayerCase[]; activations: ActivationCase[]; losses: LossCase[] } = JSON.parse(
  readFileSync(new URL("../fixtures/nn/nn_reference.json", import.meta.url), "utf8"),
);
