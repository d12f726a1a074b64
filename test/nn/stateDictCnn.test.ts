// PyTorch ↔ deepscript state-dict round trips through safetensors for a small CNN (Conv2d, BatchNorm2d, MaxPool2d,
// Dropout2d, Dropout, Linear): test/fixtures/nn/make_cnn_state_dict_fixture.py trains and saves on PyTorch's side.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { noGrad } from "../../src/autograd/engine.js";
import { load, save } from "../../src/io/checkpoint.js";
import { SmallCNN, trainSmallCnn } from "../fixtures/nn/smallCnn.js";
import { FIXTURE_DIR, fromTorchJson, type TorchTensorJson } from "./stateDictFixture.js";

interface CnnRoundTrip {
  file: string;
  x: TorchTensorJson;
  output: TorchTensorJson;
  state: Record<string, TorchTensorJson>;
}
const ref = JSON.parse(readFileSync(join(FIXTURE_DIR, "cnn_state_dict_reference.json"), "utf8")) as { fromTorch: CnnRoundTrip; fromDeepscript: CnnRoundTrip };

/** Values as JS numbers, which keep every float32/int32 bit pattern apart. */
const values = (t: Tensor): number[] => [...t.contiguous().dataSync()].map(Number);

function maxAbsDiff(actual: Tensor, expected: TorchTensorJson): number {
  expect([...actual.shape]).toEqual(expected.shape);
  const a = values(actual);
  return Math.max(0, ...a.map((v, i) => Math.abs(v - expected.data[i]!)));
}

function predict(net: SmallCNN, x: TorchTensorJson): Tensor {
  net.eval();
  return noGrad(() => net.call(fromTorchJson(x)));
}

describe("PyTorch ↔ deepscript round trips of a small CNN through safetensors", () => {
  it("a SmallCNN trained in PyTorch and saved with safetensors.torch.save_file loads (every key used) and predicts as PyTorch in eval mode", async () => {
    const c = ref.fromTorch;
    const net = new SmallCNN();
    expect(net.loadStateDict(await load(join(FIXTURE_DIR, c.file)))).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(c.state));
    for (const [key, t] of Object.entries(c.state)) expect(values(sd[key]!), key).toEqual(t.data);
    // the conv weights are (Cout, Cin, kH, kW) on both sides, BatchNorm2d keeps PyTorch's buffers
    expect(Object.keys(sd)).toEqual(expect.arrayContaining(["features.0.weight", "features.1.running_var", "features.5.num_batches_tracked", "classifier_head.4.bias"]));
    expect(maxAbsDiff(predict(net, c.x), c.output)).toBeLessThan(1e-5);
  });

  it("a SmallCNN trained by deepscript and saved with io.save loads in PyTorch (strict) with the same values and predictions", async () => {
    const c = ref.fromDeepscript;
    const net = new SmallCNN();
    net.loadStateDict(await load(join(FIXTURE_DIR, c.file)));
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(c.state));
    for (const [key, t] of Object.entries(c.state)) expect(values(sd[key]!), key).toEqual(t.data);
    expect(c.state["features.1.num_batches_tracked"]).toEqual({ shape: [], dtype: "int64", data: [5] });
    expect(maxAbsDiff(predict(net, c.x), c.output)).toBeLessThan(1e-5);
  });

  it("io.save of a freshly trained SmallCNN writes the keys, shapes and dtypes PyTorch loaded, and reloads bit-exactly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deepscript-cnn-statedict-"));
    try {
      const net = trainSmallCnn(7);
      const path = join(dir, "cnn.safetensors");
      await save(net.stateDict(), path);
      const written = await load(path);
      const committed = await load(join(FIXTURE_DIR, ref.fromDeepscript.file));
      const layout = (sd: Record<string, Tensor>): string[] => Object.entries(sd).map(([k, t]) => `${k} ${t.dtype} [${t.shape.join(",")}]`).sort();
      expect(layout(written)).toEqual(layout(committed));
      const reloaded = new SmallCNN();
      reloaded.loadStateDict(written);
      expect(values(predict(reloaded, ref.fromDeepscript.x))).toEqual(values(predict(net, ref.fromDeepscript.x)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a PyTorch CNN checkpoint with a conv weight of the wrong shape is refused, naming the key and both shapes", async () => {
    const state = await load(join(FIXTURE_DIR, ref.fromTorch.file));
    const wrong = { ...state, "features.4.weight": state["features.4.weight"]!.reshape([8, 6, 9, 1]) };
    expect(() => new SmallCNN().loadStateDict(wrong)).toThrow(/features\.4\.weight.*\[8,6,9,1\].*\[8,6,3,3\]|features\.4\.weight.*\[8,6,3,3\].*\[8,6,9,1\]/);
  });
});
