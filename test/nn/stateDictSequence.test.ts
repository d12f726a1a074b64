// PyTorch ↔ deepscript state-dict round trips through safetensors for the sequence families: an LSTM classifier,
// a bidirectional GRU classifier and a TransformerEncoder classifier (test/fixtures/onnx/make_seq_fixtures.py trains
// them in PyTorch and records PyTorch's predictions; tests never run Python).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Tensor, nn, noGrad, tensor } from "../../src/index.js";
import { load, save } from "../../src/io/checkpoint.js";
import { fixturePath, fromFlat, maxAbsDiff } from "../onnx/fixture.js";
import { seqExpected, type SeqStateCase } from "../onnx/seqFixture.js";

/** lstm: LSTM(3, 6, 2 layers, batch first), head: Linear(6, 2) on the last step. */
class LSTMClassifier extends nn.Module<[Tensor], Tensor> {
  lstm = new nn.LSTM(3, 6, { numLayers: 2, batchFirst: true });
  head = new nn.Linear(6, 2);
  forward(x: Tensor): Tensor {
    const [y] = this.lstm.call(x);
    return this.head.call(y.select(1, y.shape[1]! - 1));
  }
}

/** gru: bidirectional GRU(3, 5) over (T, B, 3), head: Linear(10, 2) on the last step. */
class GRUClassifier extends nn.Module<[Tensor], Tensor> {
  gru = new nn.GRU(3, 5, { bidirectional: true });
  head = new nn.Linear(10, 2);
  forward(x: Tensor): Tensor {
    const [y] = this.gru.call(x);
    return this.head.call(y.select(0, y.shape[0]! - 1));
  }
}

/** encoder: 2 post-norm layers (8 wide, 2 heads, feed-forward 16) and a final LayerNorm, head: Linear(8, 2) on the mean over time. */
class EncoderClassifier extends nn.Module<[Tensor], Tensor> {
  encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.1 }), 2, { norm: new nn.LayerNorm(8) });
  head = new nn.Linear(8, 2);
  forward(x: Tensor): Tensor {
    return this.head.call(this.encoder.call(x).mean(0));
  }
}

const MODELS: [keyof typeof seqExpected.state, () => nn.Module<[Tensor], Tensor>][] = [
  ["lstm", () => new LSTMClassifier()],
  ["gru", () => new GRUClassifier()],
  ["encoder", () => new EncoderClassifier()],
];

function predict(model: nn.Module<[Tensor], Tensor>, c: SeqStateCase): Tensor {
  model.eval();
  return noGrad(() => model.call(fromFlat(c.input)));
}

/** Entry k of the state dict, element i = 0.5 sin(0.37 i + 1.3 k): the fixture script's fixed weights. */
function fixedWeights(model: nn.Module<[Tensor], Tensor>): void {
  const sd = model.stateDict();
  const values = Object.fromEntries(Object.entries(sd).map(([key, t], k) => [
    key, tensor(Array.from({ length: t.size }, (_, i) => 0.5 * Math.sin(0.37 * i + 1.3 * k)), { shape: t.shape, dtype: t.dtype }),
  ]));
  model.loadStateDict(values);
}

const layout = (sd: Record<string, Tensor>): string[] => Object.entries(sd).map(([k, t]) => `${k} ${t.dtype} [${t.shape.join(",")}]`);

describe("PyTorch → deepscript: sequence models trained in PyTorch and saved with safetensors predict as PyTorch (within 1e-5)", () => {
  for (const [name, make] of MODELS) {
    it(`${name}: every key used, values as saved, eval-mode predictions equal PyTorch's`, async () => {
      const c = seqExpected.state[name];
      const model = make();
      const state = await load(fixturePath(c.file));
      expect(model.loadStateDict(state)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      expect(Object.keys(model.stateDict())).toEqual(c.keys);
      expect(maxAbsDiff(predict(model, c), c.output)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe("deepscript → PyTorch: a deepscript state dict has PyTorch's keys, shapes and dtypes, and its weights give PyTorch's predictions", () => {
  for (const [name, make] of MODELS) {
    it(`${name}: PyTorch's state-dict layout; fixed weights predict as PyTorch; io.save → load into a fresh model predicts bit-identically`, async () => {
      const c = seqExpected.state[name];
      const model = make();
      expect(layout(model.stateDict())).toEqual(c.keys.map((k, i) => `${k} ${c.dtypes[i]} [${c.shapes[i]!.join(",")}]`));
      fixedWeights(model);
      const out = predict(model, c);
      expect(maxAbsDiff(out, c.fixedOutput)).toBeLessThanOrEqual(1e-5);
      const dir = mkdtempSync(join(tmpdir(), `deepscript-seq-${name}-`));
      try {
        const path = join(dir, `${name}.safetensors`);
        await save(model.stateDict(), path);
        const written = await load(path);
        // safetensors stores its keys sorted
        expect(layout(written).sort()).toEqual(layout(model.stateDict()).sort());
        for (const [key, t] of Object.entries(model.stateDict())) expect(Array.from(written[key]!.dataSync()), key).toEqual(Array.from(t.dataSync()));
        const fresh = make();
        expect(fresh.loadStateDict(written)).toEqual({ missingKeys: [], unexpectedKeys: [] });
        expect(Array.from(predict(fresh, c).dataSync())).toEqual(Array.from(out.dataSync()));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe("state dicts of the wrong shape are refused, naming the key and both shapes", () => {
  it("an LSTM checkpoint saved by PyTorch loaded into an LSTM of another hidden size", async () => {
    const state = await load(fixturePath(seqExpected.state.lstm.file));
    const lstm = new nn.LSTM(3, 5, { numLayers: 2, batchFirst: true });
    const own = Object.fromEntries(Object.entries(state).filter(([k]) => k.startsWith("lstm.")).map(([k, t]) => [k.slice("lstm.".length), t]));
    expect(() => lstm.loadStateDict(own)).toThrow('LSTM.loadStateDict: size mismatch for "weight_ih_l0": expected shape [20,3], got [24,3]; "weight_hh_l0": expected shape [20,5], got [24,6]');
  });

  it("a Transformer checkpoint whose in_proj_weight was transposed", async () => {
    const state = await load(fixturePath(seqExpected.state.encoder.file));
    const key = "encoder.layers.1.self_attn.in_proj_weight";
    const wrong = { ...state, [key]: state[key]!.transpose(0, 1) };
    expect(() => new EncoderClassifier().loadStateDict(wrong)).toThrow(`EncoderClassifier.loadStateDict: size mismatch for "${key}": expected shape [24,8], got [8,24]`);
  });
});
