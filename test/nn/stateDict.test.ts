import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { tensor } from "../../src/ops/creation.js";
import { noGrad } from "../../src/autograd/engine.js";
import { load, save } from "../../src/io/checkpoint.js";
import * as nn from "../../src/nn/index.js";
import { snakeCase } from "../../src/nn/Module.js";
import { LegacyNet } from "../fixtures/nn/legacyNet.js";
import { TabularNet, trainTabularNet } from "../fixtures/nn/tabularNet.js";
import { buildModule, deepscriptDtype, FIXTURE_DIR, fromTorchJson, stateDictRef, type TorchTensorJson } from "./stateDictFixture.js";

/** Largest |actual − expected| (shapes must agree). */
function maxAbsDiff(actual: Tensor, expected: TorchTensorJson): number {
  expect([...actual.shape]).toEqual(expected.shape);
  const a = actual.toList() as number[];
  return Math.max(0, ...a.map((v, i) => Math.abs(v - expected.data[i]!)));
}

/** Values as JS numbers, which keep every float32/int32 bit pattern apart (and tell 0 from −0 under toEqual). */
const values = (t: Tensor): number[] => [...t.contiguous().dataSync()].map(Number);


/** PyTorch's state dict of the fromTorch model, from the fixture JSON (int64 held as int32). */
const torchStateFromJson = (): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(stateDictRef.fromTorch.state).map(([k, t]) => [k, fromTorchJson(t)]));

function predict(net: TabularNet, ids: TorchTensorJson, x: TorchTensorJson): Tensor {
  net.eval();
  return noGrad(() => net.call(fromTorchJson(ids), fromTorchJson(x)));
}

describe("state-dict keys equal PyTorch's (PyTorch 2.x fixture)", () => {
  for (const c of stateDictRef.modules) {
    it(`${c.name}: keys in order, shapes, dtypes, parameter and module names`, () => {
      const m = buildModule(c.spec);
      const sd = m.stateDict();
      expect(Object.keys(sd)).toEqual(c.keys);
      expect(Object.values(sd).map((t) => [...t.shape])).toEqual(c.shapes);
      expect(Object.values(sd).map((t) => t.dtype)).toEqual(c.dtypes.map(deepscriptDtype));
      expect([...m.namedParameters()].map(([n]) => n)).toEqual(c.parameters);
      expect([...m.namedModules()].map(([n]) => n)).toEqual(c.modules);
    });
  }

  it("camelCase JS names become PyTorch's snake_case keys; snake_case and single-word names stay", () => {
    // the right-hand sides are PyTorch's own names (BatchNorm, MultiheadAttention, RNN, TransformerEncoderLayer)
    const cases: [string, string][] = [
      ["runningMean", "running_mean"], ["numBatchesTracked", "num_batches_tracked"], ["inProjWeight", "in_proj_weight"],
      ["weightIhL0", "weight_ih_l0"], ["biasHhL1Reverse", "bias_hh_l1_reverse"], ["selfAttn", "self_attn"], ["outProj", "out_proj"],
      ["bias_k", "bias_k"], ["fc1", "fc1"], ["linear2", "linear2"], ["W", "W"],
    ];
    for (const [js, key] of cases) expect(snakeCase(js), js).toBe(key);
  });

  it("a module whose fields would share a key is refused, naming both fields", () => {
    class Clash extends nn.Module {
      fooBar = new nn.Linear(1, 1);
      foo_bar = new nn.Linear(1, 1);
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    expect(() => new Clash().stateDict()).toThrow(/Clash: members "fooBar" and "foo_bar" both have the state-dict key "foo_bar"/);
  });
});

describe("PyTorch ↔ deepscript round trips through safetensors", () => {
  // num_batches_tracked is I64 in PyTorch's file; io reads it as int32
  it("a TabularNet trained in PyTorch and saved with safetensors.torch.save_file loads with io.load + loadStateDict and predicts as PyTorch", async () => {
    const c = stateDictRef.fromTorch;
    const net = new TabularNet();
    expect(net.loadStateDict(await load(join(FIXTURE_DIR, c.file)))).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(c.state));
    for (const [key, t] of Object.entries(c.state)) expect(values(sd[key]!), key).toEqual(t.data);
    expect(maxAbsDiff(predict(net, c.ids, c.x), c.output)).toBeLessThan(1e-6);
  });

  it("a TabularNet trained by deepscript and saved with io.save loads in PyTorch (strict) with the same values and predictions", async () => {
    const c = stateDictRef.fromDeepscript;
    const net = new TabularNet();
    net.loadStateDict(await load(join(FIXTURE_DIR, c.file)));
    const sd = net.stateDict();
    // PyTorch's state after its load_state_dict: the same keys and values (num_batches_tracked cast to its int64)
    expect(Object.keys(sd)).toEqual(Object.keys(c.state));
    for (const [key, t] of Object.entries(c.state)) expect(values(sd[key]!), key).toEqual(t.data);
    expect(c.state["mlp.1.num_batches_tracked"]).toEqual({ shape: [], dtype: "int64", data: [5] });
    expect(maxAbsDiff(predict(net, c.ids, c.x), c.output)).toBeLessThan(1e-6);
  });

  it("io.save of a freshly trained TabularNet writes the keys, shapes and dtypes PyTorch loaded, and reloads bit-exactly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deepscript-statedict-"));
    try {
      const net = trainTabularNet(2024);
      const path = join(dir, "model.safetensors");
      await save(net.stateDict(), path);
      const written = await load(path);
      const committed = await load(join(FIXTURE_DIR, stateDictRef.fromDeepscript.file));
      const layout = (sd: Record<string, Tensor>): string[] => Object.entries(sd).map(([k, t]) => `${k} ${t.dtype} [${t.shape.join(",")}]`).sort();
      expect(layout(written)).toEqual(layout(committed));
      const reloaded = new TabularNet();
      reloaded.loadStateDict(written);
      const { ids, x } = stateDictRef.fromDeepscript;
      expect(values(predict(reloaded, ids, x))).toEqual(values(predict(net, ids, x)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a checkpoint written by deepscript before keys became PyTorch's (camelCase keys, commit 65b6acf) still loads and predicts as then", async () => {
    const legacy = JSON.parse(readFileSync(join(FIXTURE_DIR, "legacy_checkpoint.json"), "utf8")) as { keys: string[]; input: TorchTensorJson; output: TorchTensorJson };
    const file = await load(join(FIXTURE_DIR, "legacy_checkpoint.safetensors"));
    expect(Object.keys(file).sort()).toEqual([...legacy.keys].sort());
    const net = new LegacyNet();
    expect(net.loadStateDict(file)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const sd = net.stateDict();
    const renamed: Record<string, string> = {
      "inputLayer.weight": "input_layer.weight", "inputLayer.bias": "input_layer.bias",
      "batchNorm.weight": "batch_norm.weight", "batchNorm.bias": "batch_norm.bias",
      "batchNorm.runningMean": "batch_norm.running_mean", "batchNorm.runningVar": "batch_norm.running_var",
      "batchNorm.numBatchesTracked": "batch_norm.num_batches_tracked",
      "hiddenNorms.0.weight": "hidden_norms.0.weight", "hiddenNorms.0.bias": "hidden_norms.0.bias",
      "outputHead.1.weight": "output_head.1.weight", "outputHead.1.bias": "output_head.1.bias",
    };
    expect(Object.keys(sd)).toEqual(legacy.keys.map((k) => renamed[k]));
    for (const k of legacy.keys) expect(values(sd[renamed[k]!]!), k).toEqual(values(file[k]!));
    net.eval();
    const y = noGrad(() => net.call(tensor(legacy.input.data, { shape: legacy.input.shape })));
    expect(maxAbsDiff(y, legacy.output)).toBeLessThan(1e-6);
  });
});

describe("loadStateDict errors name the keys and shapes (PyTorch's keys)", () => {
  it("a PyTorch checkpoint of another hidden size: every mis-shaped key with expected and got shapes", () => {
    const torchState = torchStateFromJson();
    const net = new TabularNet(8);
    const before = values(net.mlp.at(0).parameters().next().value!);
    expect(() => net.loadStateDict(torchState)).toThrow(
      'TabularNet.loadStateDict: size mismatch for "mlp.0.weight": expected shape [8,10], got [16,10]; "mlp.0.bias": expected shape [8], got [16]; ' +
        '"mlp.1.weight": expected shape [8], got [16]; "mlp.1.bias": expected shape [8], got [16]; "mlp.1.running_mean": expected shape [8], got [16]; ' +
        '"mlp.1.running_var": expected shape [8], got [16]; "mlp.4.weight": expected shape [3,8], got [3,16]',
    );
    expect(() => net.loadStateDict(torchState, { strict: false })).toThrow(/size mismatch for "mlp.0.weight"/); // as PyTorch: shapes are checked even when not strict
    expect(values(net.mlp.at(0).parameters().next().value!)).toEqual(before); // nothing was copied
  });

  it("missing and unexpected keys: an error when strict, returned otherwise; a common prefix is pointed out", () => {
    const torchState = torchStateFromJson();
    const { "mlp.1.running_var": runningVar, ...withoutVar } = torchState;
    const net = new TabularNet();
    expect(() => net.loadStateDict({ ...withoutVar, "mlp.9.weight": runningVar! })).toThrow(
      'TabularNet.loadStateDict: missing keys: "mlp.1.running_var"; unexpected keys: "mlp.9.weight"',
    );
    expect(net.loadStateDict({ ...withoutVar, "mlp.9.weight": runningVar! }, { strict: false })).toEqual({
      missingKeys: ["mlp.1.running_var"],
      unexpectedKeys: ["mlp.9.weight"],
    });
    expect(values(net.embedding.weight)).toEqual(stateDictRef.fromTorch.state["embedding.weight"]!.data);
    const wrapped = Object.fromEntries(Object.entries(torchState).map(([k, t]) => [`module.${k}`, t]));
    expect(() => new TabularNet().loadStateDict(wrapped)).toThrow(/the state dict's keys carry the prefix "module."; remove it from every key/);
    const notTensor = { ...torchState, "mlp.0.bias": [0, 1] } as unknown as Record<string, Tensor>;
    expect(() => new TabularNet().loadStateDict(notTensor)).toThrow('TabularNet.loadStateDict: the value of "mlp.0.bias" is not a Tensor (got object)');
  });
});
