// Loads test/fixtures/onnx (ONNX files exported by PyTorch and PyTorch's outputs) and compares tensors.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Tensor } from "../../src/tensor/Tensor.js";
import type { DType } from "../../src/tensor/dtype.js";
import { tensor } from "../../src/ops/creation.js";

export const FIXTURE_DIR = fileURLToPath(new URL("../fixtures/onnx/", import.meta.url));

export interface FlatJson {
  shape: number[];
  data: number[];
}
export interface FixtureCase {
  inputs: FlatJson[];
  output: FlatJson;
}
export interface FixtureModel {
  file: string;
  opset: number;
  ops: string[];
  nodes: { name: string; op: string }[];
  cases?: FixtureCase[];
}
/** PyTorch's gradients of an MSE loss and its outputs after one SGD step (lr 0.1), for a model as exported. */
export interface FixtureTraining {
  input: FlatJson;
  target: FlatJson;
  loss: number;
  grads: Record<string, FlatJson>;
  outputAfterStep: FlatJson;
}
export interface Expected {
  mlp: FixtureModel & { train: FixtureTraining };
  cnn: FixtureModel & { train: FixtureTraining };
  cnn_opset13: FixtureModel;
  cnn_opset9: FixtureModel;
  cnn1d: FixtureModel;
  mlp_opset13: FixtureModel;
  embedding: FixtureModel;
  activations: FixtureModel;
  legacy_opset9: FixtureModel;
  unsupported: FixtureModel;
}

export const expected = JSON.parse(readFileSync(join(FIXTURE_DIR, "expected.json"), "utf8")) as Expected;
export const fixturePath = (file: string): string => join(FIXTURE_DIR, file);
export const fixtureBytes = (file: string): Uint8Array => new Uint8Array(readFileSync(fixturePath(file)));

export const fromFlat = (t: FlatJson, dtype: DType = "float32"): Tensor => tensor(t.data, { dtype, shape: t.shape });

/** Largest |actual − expected| over all elements; the shapes must agree. */
export function maxAbsDiff(actual: Tensor, want: FlatJson | Tensor): number {
  if (actual.shape.join(",") !== want.shape.join(",")) throw new Error(`shape mismatch: got [${actual.shape}], expected [${want.shape}]`);
  const a = actual.dataSync();
  const b = want instanceof Tensor ? Array.from(want.dataSync() as ArrayLike<number>) : want.data;
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(Number(a[i]) - b[i]!));
  return Number.isNaN(worst) ? Infinity : worst;
}
