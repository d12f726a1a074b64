// Loads the PyTorch reference values written by test/fixtures/pooling/make_pooling_fixture.py.
import { readFileSync } from "node:fs";
import type { TensorJson } from "../nn/fixture.js";

export interface OpCase {
  name: string;
  /** The nn.functional form called: fn(...inputs[:nTensorArgs], ...args, options?). */
  fn: string;
  args: unknown[];
  options: Record<string, unknown> | null;
  nTensorArgs: number;
  /** Options that are tensors: their position in `inputs`. */
  tensorOptions: Record<string, number>;
  /** Options that are state tensors (running statistics), updated in place. */
  stateOptions: Record<string, TensorJson>;
  inputs: TensorJson[];
  output: TensorJson;
  indices: TensorJson | null;
  gradOutput: TensorJson;
  gradInputs: (TensorJson | null)[];
  stateAfter: Record<string, TensorJson>;
}

export interface LayerStep {
  training: boolean;
  inputs: TensorJson[];
  output: TensorJson;
  indices: TensorJson | null;
  gradOutput: TensorJson;
  gradInputs: (TensorJson | null)[];
  gradParams: Record<string, TensorJson>;
}

export interface PoolingLayerCase {
  name: string;
  kind: string;
  args: unknown[];
  options: Record<string, unknown>;
  repr: string;
  /** PyTorch's state dict, keyed as PyTorch keys it (deepscript's keys are the same). */
  state: Record<string, TensorJson>;
  steps: LayerStep[];
  stateAfter: Record<string, TensorJson>;
}

export const poolingRef: { torch_version: string; ops: OpCase[]; layers: PoolingLayerCase[] } = JSON.parse(
  readFileSync(new URL("../fixtures/pooling/pooling_reference.json", import.meta.url), "utf8"),
);
