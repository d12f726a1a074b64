// Reads state_dict_reference.json (written by test/fixtures/nn/make_state_dict_fixture.py) and builds deepscript
// modules from its specs, the same way the script builds PyTorch's.
import { readFileSync } from "node:fs";
import { Tensor } from "../../src/tensor/Tensor.js";
import type { DType } from "../../src/tensor/dtype.js";
import * as nn from "../../src/nn/index.js";
import { TabularNet } from "../fixtures/nn/tabularNet.js";

export interface ModuleSpec {
  kind: string;
  args?: unknown[];
  options?: Record<string, unknown>;
  children?: ModuleSpec[] | Record<string, ModuleSpec>;
}

/** A tensor as PyTorch wrote it: dtype is torch's name (int64 included). */
export interface TorchTensorJson {
  shape: number[];
  dtype: string;
  data: number[];
}

export interface ModuleCase {
  name: string;
  spec: ModuleSpec;
  keys: string[];
  parameters: string[];
  modules: string[];
  shapes: number[][];
  dtypes: string[];
  repr: string;
}

export interface RoundTripCase {
  file: string;
  ids: TorchTensorJson;
  x: TorchTensorJson;
  output: TorchTensorJson;
  state: Record<string, TorchTensorJson>;
}

export const FIXTURE_DIR = new URL("../fixtures/nn/", import.meta.url).pathname;

export const stateDictRef: {
  torch_version: string;
  modules: ModuleCase[];
  fromTorch: RoundTripCase;
  fromDeepscript: RoundTripCase;
  /** [value, Python's repr(value)]; non-finite values are given as "inf", "-inf", "nan". */
  floatReprs: [number | string, string][];
  /** repr(nn.Sequential(Scale(2.0), Block())) of the custom modules in the script (and in printing.test.ts). */
  customRepr: string;
} = JSON.parse(
  readFileSync(new URL("state_dict_reference.json", `file://${FIXTURE_DIR}`), "utf8"),
);

/** deepscript's dtype for a tensor PyTorch wrote: int64 is held as int32. */
export function deepscriptDtype(torchDtype: string): DType {
  const map: Record<string, DType> = { float32: "float32", float64: "float64", int64: "int32", int32: "int32", bool: "bool" };
  const d = map[torchDtype];
  if (d === undefined) throw new Error(`no deepscript dtype for torch ${torchDtype}`);
  return d;
}

export function fromTorchJson(t: TorchTensorJson): Tensor {
  const dtype = deepscriptDtype(t.dtype);
  const data = dtype === "float32" ? Float32Array.from(t.data) : dtype === "float64" ? Float64Array.from(t.data) : Int32Array.from(t.data);
  return Tensor.fromData(data, t.shape, dtype);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCtor = new (...args: any[]) => nn.AnyModule;
const LAYERS: Record<string, AnyCtor> = {
  Linear: nn.Linear, Bilinear: nn.Bilinear, Embedding: nn.Embedding, BatchNorm1d: nn.BatchNorm1d, LayerNorm: nn.LayerNorm,
  Dropout: nn.Dropout, Flatten: nn.Flatten, Unflatten: nn.Unflatten, Identity: nn.Identity, ReLU: nn.ReLU, Sigmoid: nn.Sigmoid,
  Tanh: nn.Tanh, LeakyReLU: nn.LeakyReLU, ELU: nn.ELU, SELU: nn.SELU, GELU: nn.GELU, SiLU: nn.SiLU, Softplus: nn.Softplus,
  Hardtanh: nn.Hardtanh, Softmax: nn.Softmax, LogSoftmax: nn.LogSoftmax, MSELoss: nn.MSELoss, CrossEntropyLoss: nn.CrossEntropyLoss,
  BCEWithLogitsLoss: nn.BCEWithLogitsLoss, TabularNet,
};

/** The deepscript module of a spec: positional args stay positional, options go in the options object. */
export function buildModule(spec: ModuleSpec): nn.AnyModule {
  const children = spec.children;
  if (spec.kind === "Sequential") return new nn.Sequential(...(children as ModuleSpec[]).map((c) => buildModule(c) as nn.TensorModule));
  if (spec.kind === "ModuleList") return new nn.ModuleList((children as ModuleSpec[]).map(buildModule));
  if (spec.kind === "ModuleDict") {
    return new nn.ModuleDict(Object.fromEntries(Object.entries(children as Record<string, ModuleSpec>).map(([k, c]) => [k, buildModule(c)])));
  }
  const Ctor = LAYERS[spec.kind];
  if (Ctor === undefined) throw new Error(`no deepscript module for spec kind ${spec.kind}`);
  const options = Object.fromEntries(
    Object.entries(spec.options ?? {}).map(([k, v]) => [k, v !== null && typeof v === "object" && "tensor" in v ? Tensor.fromData(Float32Array.from((v as { tensor: number[] }).tensor), [(v as { tensor: number[] }).tensor.length], "float32") : v]),
  );
  const args = spec.args ?? [];
  return Object.keys(options).length > 0 ? new Ctor(...args, options) : new Ctor(...args);
}
