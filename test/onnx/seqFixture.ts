// Reads test/fixtures/onnx/seq_expected.json (written by make_seq_fixtures.py): PyTorch-exported sequence
// models with PyTorch's outputs, and PyTorch-trained / fixed-weight state dicts of recurrent and Transformer models.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { FIXTURE_DIR, fromFlat, type FlatJson } from "./fixture.js";

/** A fixture tensor whose data may hold "-Infinity"/"Infinity" (JSON has no infinities). */
export interface TypedFlatJson {
  shape: number[];
  dtype: "float32" | "bool";
  data: (number | "Infinity" | "-Infinity")[];
}
export interface SeqOnnxCase {
  inputs: TypedFlatJson[];
  outputs: FlatJson[];
}
export interface SeqOnnxModel {
  file: string;
  opset: number;
  ops: string[];
  inputNames: string[];
  outputNames: string[];
  cases: SeqOnnxCase[];
}
export interface SeqStateCase {
  file: string;
  input: FlatJson;
  output: FlatJson;
  keys: string[];
  shapes: number[][];
  dtypes: string[];
  fixedOutput: FlatJson;
}
export interface SeqExpected {
  onnx: Record<"lstm" | "gru" | "rnn" | "mha" | "encoder" | "encoder_opset14", SeqOnnxModel>;
  state: Record<"lstm" | "gru" | "encoder", SeqStateCase>;
}

export const seqExpected = JSON.parse(readFileSync(join(FIXTURE_DIR, "seq_expected.json"), "utf8")) as SeqExpected;

export const typedFromFlat = (t: TypedFlatJson): Tensor =>
  fromFlat({ shape: t.shape, data: t.data.map((v) => (v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v)) }, t.dtype);
