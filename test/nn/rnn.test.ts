// Recurrent layers against PyTorch 2.13 (test/fixtures/rnn/make_rnn_fixture.py): outputs, final states
// and every gradient in float64, packed variable-length batches, state dicts, reprs and errors.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { nn } from "../../src/index.js";
import type { Tensor } from "../../src/tensor/Tensor.js";
import { fromJson, maxRelErr, type TensorJson } from "./fixture.js";

interface CellCase {
  name: string;
  kind: "RNNCell" | "LSTMCell" | "GRUCell";
  args: [number, number];
  options: Record<string, unknown>;
  repr: string;
  state: Record<string, TensorJson>;
  input: TensorJson;
  hx: TensorJson[];
  outputs: TensorJson[];
  gradOutputs: TensorJson[];
  gradInput: TensorJson;
  gradHx: TensorJson[];
  gradParams: Record<string, TensorJson>;
}
interface LayerCase {
  name: string;
  kind: "RNN" | "LSTM" | "GRU";
  args: [number, number];
  options: Record<string, unknown>;
  repr: string;
  state: Record<string, TensorJson>;
  input: TensorJson;
  lengths?: number[];
  enforceSorted?: boolean;
  packedData?: TensorJson;
  batchSizes?: TensorJson;
  sortedIndices?: TensorJson | null;
  unsortedIndices?: TensorJson | null;
  packedOutput?: TensorJson;
  outLengths?: TensorJson;
  hx: TensorJson[];
  output: TensorJson;
  states: TensorJson[];
  gradOutput: TensorJson;
  gradStates: TensorJson[];
  gradInput: TensorJson;
  gradHx: TensorJson[];
  gradParams: Record<string, TensorJson>;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/rnn/rnn_reference.json", import.meta.url), "utf8")) as {
  cells: CellCase[];
  layers: LayerCase[];
  reprs: Record<string, string>;
  errors: Record<string, string | null>;
  checkpoint: { input: TensorJson; output: TensorJson; h: TensorJson; c: TensorJson; keys: string[] };
};

const TOL = 1e-10;

function loadState(m: nn.Module<never[], unknown>, state: Record<string, TensorJson>): void {
  const sd: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(state)) sd[k] = fromJson(v);
  (m as unknown as { loadStateDict(s: Record<string, Tensor>): unknown }).loadStateDict(sd);
}

function expectClose(actual: Tensor | null, expected: TensorJson, what: string): void {
  expect(actual, what).not.toBeNull();
  expect(maxRelErr(actual!, expected), what).toBeLessThan(TOL);
}

describe("recurrent cells equal PyTorch (float64)", () => {
  for (const c of fixture.cells) {
    it(c.name, () => {
      const Cls = { RNNCell: nn.RNNCell, LSTMCell: nn.LSTMCell, GRUCell: nn.GRUCell }[c.kind];
      const cell = new Cls(c.args[0], c.args[1], { ...c.options, dtype: "float64" } as never);
      loadState(cell as never, c.state);
      expect(String(cell)).toBe(c.repr);
      const x = fromJson(c.input, { requiresGrad: true });
      const hx = c.hx.map((h) => fromJson(h, { requiresGrad: true }));
      const arg = c.kind === "LSTMCell" ? (hx.length ? [hx[0], hx[1]] : undefined) : hx[0];
      const out = (cell as unknown as { forward(x: Tensor, h?: unknown): Tensor | Tensor[] }).forward(x, arg);
      const outs = Array.isArray(out) ? out : [out];
      outs.forEach((o, i) => expectClose(o, c.outputs[i]!, `output ${i}`));
      outs.map((o, i) => o.mul(fromJson(c.gradOutputs[i]!)).sum()).reduce((a, b) => a.add(b)).backward();
      expectClose(x.grad, c.gradInput, "grad input");
      hx.forEach((h, i) => expectClose(h.grad, c.gradHx[i]!, `grad hx ${i}`));
      for (const [name, p] of cell.namedParameters()) expectClose(p.grad, c.gradParams[name]!, `grad ${name}`);
    });
  }
});

describe("RNN, GRU and LSTM equal PyTorch (float64)", () => {
  for (const c of fixture.layers) {
    it(c.name, () => {
      const Cls = { RNN: nn.RNN, LSTM: nn.LSTM, GRU: nn.GRU }[c.kind];
      const layer = new Cls(c.args[0], c.args[1], { ...c.options, dtype: "float64" } as never);
      expect(Object.keys(layer.stateDict())).toEqual(Object.keys(c.state));
      loadState(layer as never, c.state);
      expect(String(layer)).toBe(c.repr);
      const x = fromJson(c.input, { requiresGrad: true });
      const hx = c.hx.map((h) => fromJson(h, { requiresGrad: true }));
      const arg = c.kind === "LSTM" ? (hx.length ? [hx[0], hx[1]] : undefined) : hx[0];
      const batchFirst = c.options.batchFirst === true;
      let out: Tensor;
      let states: Tensor | Tensor[];
      if (c.lengths) {
        const packed = nn.packPaddedSequence(x, c.lengths, { batchFirst, enforceSorted: c.enforceSorted });
        expectClose(packed.data, c.packedData!, "packed data");
        expect(packed.batchSizes.toList()).toEqual(c.batchSizes!.data);
        expect(packed.sortedIndices?.toList() ?? null).toEqual(c.sortedIndices?.data ?? null);
        expect(packed.unsortedIndices?.toList() ?? null).toEqual(c.unsortedIndices?.data ?? null);
        const [y, s] = (layer as unknown as { forward(x: nn.PackedSequence, h?: unknown): [nn.PackedSequence, Tensor | Tensor[]] }).forward(packed, arg);
        expectClose(y.data, c.packedOutput!, "packed output");
        const [padded, lengths] = nn.padPackedSequence(y, { batchFirst });
        expect(lengths.toList()).toEqual(c.outLengths!.data);
        out = padded;
        states = s;
      } else {
        [out, states] = (layer as unknown as { forward(x: Tensor, h?: unknown): [Tensor, Tensor | Tensor[]] }).forward(x, arg);
      }
      expectClose(out, c.output, "output");
      const stateList = Array.isArray(states) ? states : [states];
      stateList.forEach((s, i) => expectClose(s, c.states[i]!, `final state ${i}`));
      let loss = out.mul(fromJson(c.gradOutput)).sum();
      stateList.forEach((s, i) => (loss = loss.add(s.mul(fromJson(c.gradStates[i]!)).sum())));
      loss.backward();
      expectClose(x.grad, c.gradInput, "grad input");
      hx.forEach((h, i) => expectClose(h.grad, c.gradHx[i]!, `grad hx ${i}`));
      const names = [...layer.namedParameters()].map(([n]) => n);
      expect(names).toEqual(Object.keys(c.gradParams));
      for (const [name, p] of layer.namedParameters()) expectClose(p.grad, c.gradParams[name]!, `grad ${name}`);
    });
  }
});

describe("recurrent layers: state dicts, reprs, options", () => {
  it("loads a PyTorch LSTM state dict saved with safetensors unchanged and gives PyTorch's output", () => {
    const bytes = readFileSync(new URL("../fixtures/rnn/lstm_state.safetensors", import.meta.url));
    const { tensors } = ds.io.deserialize(new Uint8Array(bytes));
    const lstm = new nn.LSTM(3, 5, { numLayers: 2, bidirectional: true, projSize: 2, batchFirst: true });
    expect(Object.keys(lstm.stateDict())).toEqual(fixture.checkpoint.keys);
    lstm.loadStateDict(tensors);
    const [out, [h, c]] = ds.noGrad(() => lstm.call(fromJson(fixture.checkpoint.input)));
    expect(maxRelErr(out, fixture.checkpoint.output)).toBeLessThan(1e-5);
    expect(maxRelErr(h, fixture.checkpoint.h)).toBeLessThan(1e-5);
    expect(maxRelErr(c, fixture.checkpoint.c)).toBeLessThan(1e-5);
  });

  it("prints as PyTorch", () => {
    const made: Record<string, nn.Module<never[], unknown>> = {
      "LSTM(32, 128, dropout=0.2, numLayers=3)": new nn.LSTM(32, 128, { dropout: 0.2, numLayers: 3 }) as never,
      "GRU(3, 4, bias=False)": new nn.GRU(3, 4, { bias: false }) as never,
      "RNN(3, 4, nonlinearity=relu)": new nn.RNN(3, 4, { nonlinearity: "relu" }) as never,
      "LSTM(3, 5, projSize=2)": new nn.LSTM(3, 5, { projSize: 2 }) as never,
      "RNNCell(3, 4, nonlinearity=relu, bias=False)": new nn.RNNCell(3, 4, { nonlinearity: "relu", bias: false }) as never,
    };
    for (const [k, m] of Object.entries(made)) expect(String(m), k).toBe(fixture.reprs[k]);
  });

  it("initializes every parameter in U(±1/√hidden), seeded", () => {
    const a = new nn.LSTM(4, 16, { numLayers: 2, bidirectional: true, generator: new ds.Generator(3) });
    const b = new nn.LSTM(4, 16, { numLayers: 2, bidirectional: true, generator: new ds.Generator(3) });
    for (const [[, p], [, q]] of [...a.namedParameters()].map((e, i) => [e, [...b.namedParameters()][i]!] as const)) {
      const v = p.toList();
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(0.25);
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.2);
      expect(v).toEqual(q.toList());
    }
  });

  it("inter-layer dropout acts in training mode only, and not after the last layer", () => {
    const lstm = new nn.LSTM(3, 8, { numLayers: 2, dropout: 0.5, generator: new ds.Generator(0) });
    const x = ds.randn([4, 2, 3], { generator: new ds.Generator(1) });
    lstm.eval();
    const [e1] = ds.noGrad(() => lstm.call(x));
    const [e2] = ds.noGrad(() => lstm.call(x));
    expect(e1.toList()).toEqual(e2.toList());
    lstm.train();
    const [t1] = ds.noGrad(() => lstm.call(x));
    expect(t1.toList()).not.toEqual(e1.toList());
    const one = new nn.LSTM(3, 8, { dropout: 0.5 });
    const [o1] = ds.noGrad(() => one.call(x));
    const [o2] = ds.noGrad(() => one.eval().call(x));
    expect(o1.toList()).toEqual(o2.toList());
  });

  it("double() converts the layer's parameters; the float64 layer then runs (reading the replaced fields)", () => {
    const lstm = new nn.LSTM(3, 4, { bidirectional: true, generator: new ds.Generator(2) });
    const before = lstm.stateDict()["weight_hh_l0_reverse"]!.toList();
    lstm.double();
    expect(lstm.stateDict()["weight_hh_l0_reverse"]!.dtype).toBe("float64");
    expect(lstm.stateDict()["weight_hh_l0_reverse"]!.toList()).toEqual(before);
    const [out, [h]] = lstm.call(ds.randn([5, 2, 3], { dtype: "float64" }));
    expect(out.dtype).toBe("float64");
    expect(h.shape).toEqual([2, 2, 4]);
  });

  it("padSequence and packSequence agree with packPaddedSequence", () => {
    const seqs = [ds.randn([2, 3]), ds.randn([4, 3]), ds.randn([1, 3])];
    const padded = nn.padSequence(seqs, { batchFirst: true });
    expect(padded.shape).toEqual([3, 4, 3]);
    const packed = nn.packSequence(seqs, { enforceSorted: false });
    expect(packed.batchSizes.toList()).toEqual([3, 2, 1, 1]);
    const [back, lengths] = nn.padPackedSequence(packed, { batchFirst: true });
    expect(lengths.toList()).toEqual([2, 4, 1]);
    expect(back.toList()).toEqual(padded.toList());
  });
});

describe("recurrent layers: bad input gets errors naming the layer and shapes", () => {
  const lstm = new nn.LSTM(3, 4, { numLayers: 2 });
  it("wrong input size (PyTorch: input.size(-1) must be equal to input_size)", () => {
    expect(fixture.errors.wrongInputSize).toContain("input.size(-1) must be equal to input_size. Expected 3, got 7");
    expect(() => lstm.call(ds.randn([5, 2, 7]))).toThrow("LSTM: input.size(-1) must be equal to input_size. Expected 3, got 7 (input shape [5,2,7])");
    expect(() => new nn.LSTMCell(3, 4).call(ds.randn([2, 5]))).toThrow("LSTMCell: input has inconsistent input_size: got 5 expected 3");
    expect(() => lstm.call(ds.randn([5, 2, 1, 3]))).toThrow("LSTM: Expected input to be 2D or 3D, got 4D");
  });
  it("hidden state of the wrong shape (PyTorch: Expected hidden[0] size …)", () => {
    expect(fixture.errors.wrongHiddenShape).toBe("Expected hidden[0] size (2, 2, 4), got [1, 2, 4]");
    expect(() => lstm.call(ds.randn([5, 2, 3]), [ds.randn([1, 2, 4]), ds.randn([2, 2, 4])])).toThrow("LSTM: Expected hidden[0] size (2, 2, 4), got [1,2,4]");
    expect(() => lstm.call(ds.randn([5, 2, 3]), [ds.randn([2, 2, 4]), ds.randn([2, 3, 4])])).toThrow("LSTM: Expected hidden[1] size (2, 2, 4), got [2,3,4]");
    expect(() => new nn.GRU(3, 4).call(ds.randn([5, 2, 3]), ds.randn([1, 3, 4]))).toThrow("GRU: Expected hidden size (1, 2, 4), got [1,3,4]");
    expect(() => new nn.GRUCell(3, 4).call(ds.randn([2, 3]), ds.randn([3, 4]))).toThrow("GRUCell: hx has shape [3,4], expected [2,4] for input of shape [2,3]");
  });
  it("lengths not sorted with enforceSorted, or longer than the sequence, or zero", () => {
    expect(fixture.errors.unsortedLengths).toContain("array must be sorted in decreasing order when `enforce_sorted` is True");
    expect(() => nn.packPaddedSequence(ds.randn([5, 3, 3]), [2, 5, 3])).toThrow(
      "packPaddedSequence: lengths array must be sorted in decreasing order when enforceSorted is true, got [2, 5, 3]",
    );
    expect(() => nn.packPaddedSequence(ds.randn([5, 3, 3]), [7, 5, 3])).toThrow(
      "packPaddedSequence: length 7 is longer than the sequence: input [5,3,3] has 5 time steps",
    );
    expect(() => nn.packPaddedSequence(ds.randn([5, 3, 3]), [5, 0, 3], { enforceSorted: false })).toThrow("greater than 0");
    expect(() => nn.packPaddedSequence(ds.randn([5, 3, 3]), [5, 3])).toThrow("expected 3 lengths");
  });
  it("bad options", () => {
    expect(() => new nn.LSTM(3, 4, { projSize: 4 })).toThrow("LSTM: projSize has to be smaller than hiddenSize");
    expect(() => new nn.GRU(3, 4, { dropout: 1.5 })).toThrow("GRU: dropout should be a number in range [0, 1]");
    expect(() => new nn.RNN(3, 0)).toThrow("RNN: hiddenSize must be a positive integer, got 0");
  });
});

describe("recurrent layers: gradcheck and truncated BPTT", () => {
  const gen = () => new ds.Generator(7);
  it("gradcheck of the functional cells in inputs, states and weights", () => {
    const g = gen();
    const r = (...shape: number[]) => ds.randn(shape, { dtype: "float64", generator: g }).requiresGrad_();
    const x = r(2, 3), h = r(2, 4), c = r(2, 4);
    const w4 = [r(16, 3), r(16, 4), r(16), r(16)] as const;
    const w3 = [r(12, 3), r(12, 4), r(12), r(12)] as const;
    const w1 = [r(4, 3), r(4, 4), r(4), r(4)] as const;
    const cw = (w: readonly Tensor[]) => ({ weightIh: w[0]!, weightHh: w[1]!, biasIh: w[2]!, biasHh: w[3]! });
    expect(ds.gradcheck((x, h, c, a, b, d, e) => nn.functional.lstmCell(x!, [h!, c!], cw([a!, b!, d!, e!])), [x, h, c, ...w4])).toBe(true);
    expect(ds.gradcheck((x, h, a, b, d, e) => nn.functional.gruCell(x!, h!, cw([a!, b!, d!, e!])), [x, h, ...w3])).toBe(true);
    expect(ds.gradcheck((x, h, a, b, d, e) => nn.functional.rnnTanhCell(x!, h!, cw([a!, b!, d!, e!])), [x, h, ...w1])).toBe(true);
  });

  it("gradcheck of a packed 2-layer bidirectional LSTM and GRU in the input and initial states", () => {
    const g = gen();
    const x = ds.randn([4, 3, 2], { dtype: "float64", generator: g }).requiresGrad_();
    const h0 = ds.randn([4, 3, 2], { dtype: "float64", generator: g }).requiresGrad_();
    const c0 = ds.randn([4, 3, 2], { dtype: "float64", generator: g }).requiresGrad_();
    const lstm = new nn.LSTM(2, 2, { numLayers: 2, bidirectional: true, dtype: "float64", generator: g });
    const gru = new nn.GRU(2, 2, { numLayers: 2, bidirectional: true, dtype: "float64", generator: g });
    const lengths = [2, 4, 3];
    expect(ds.gradcheck((x, h, c) => {
      const [y, [hn, cn]] = lstm.call(nn.packPaddedSequence(x!, lengths, { enforceSorted: false }), [h!, c!]);
      return [y.data, hn, cn];
    }, [x, h0, c0])).toBe(true);
    expect(ds.gradcheck((x, h) => {
      const [y, hn] = gru.call(nn.packPaddedSequence(x!, lengths, { enforceSorted: false }), h!);
      return [nn.padPackedSequence(y)[0], hn];
    }, [x, h0])).toBe(true);
  });

  it("truncatedBPTT carries the state across chunks but cuts the gradient", () => {
    const g = gen();
    const lstm = new nn.LSTM(2, 3, { dtype: "float64", generator: g });
    const x = ds.randn([7, 2, 2], { dtype: "float64", generator: g });
    const chunks: number[] = [];
    let seen: unknown[] = [];
    const last = nn.truncatedBPTT<[Tensor, Tensor]>(x, 3, (chunk, state, index) => {
      chunks.push(chunk.shape[0]!);
      seen.push(state);
      const [out, next] = lstm.call(chunk, state);
      out.sum().backward();
      expect(index).toBe(chunks.length - 1);
      return next;
    });
    expect(chunks).toEqual([3, 3, 1]);
    expect(seen[0]).toBeUndefined();
    // the carried state equals running the whole sequence at once, and is detached
    const [, [hAll, cAll]] = ds.noGrad(() => lstm.call(x));
    expect(maxRelErr(last![0], { shape: [...hAll.shape], dtype: "float64", data: hAll.toList() })).toBeLessThan(1e-12);
    expect(maxRelErr(last![1], { shape: [...cAll.shape], dtype: "float64", data: cAll.toList() })).toBeLessThan(1e-12);
    seen = seen.slice(1);
    for (const s of seen as Tensor[][]) for (const t of s) expect(t.requiresGrad).toBe(false);
    expect(() => nn.truncatedBPTT<Tensor>(x, 0, (_c, s) => s!)).toThrow("truncatedBPTT: chunkLength must be positive, got 0");
  });
});

describe("fused LSTM recurrence equals the composite reference", () => {
  for (const [dtype, tol] of [["float64", 1e-12], ["float32", 2e-5]] as const) {
    for (const reverse of [false, true]) {
      it(`${dtype}${reverse ? ", reverse" : ""}: every h and c and the gradients of xg, W_hh, h0, c0`, () => {
        const g = new ds.Generator(reverse ? 11 : 12);
        const [T, B, H] = [6, 5, 12];
        const make = (...shape: number[]) => ds.randn(shape, { dtype, generator: g }).mul(0.5);
        const args = [make(T, B, 4 * H), make(4 * H, H), make(B, H), make(B, H)];
        const ghs = make(T, B, H), gcs = make(T, B, H);
        const run = (f: typeof nn.functional.lstmRecurrence) => {
          const leaves = args.map((a) => a.detach().requiresGrad_());
          const [hs, cs] = f(leaves[0]!, leaves[1]!, leaves[2]!, leaves[3]!, reverse);
          hs.mul(ghs).sum().add(cs.mul(gcs).sum()).backward();
          return [hs, cs, ...leaves.map((l) => l.grad!)];
        };
        const fused = run(nn.functional.lstmRecurrence);
        const reference = run(nn.functional.lstmRecurrenceReference);
        const names = ["hs", "cs", "grad xg", "grad W_hh", "grad h0", "grad c0"];
        fused.forEach((t, i) => {
          const r = reference[i]!;
          expect(maxRelErr(t, { shape: [...r.shape], dtype, data: r.toList() }), names[i]).toBeLessThan(tol);
        });
        // the composite backward (used under createGraph) agrees with both
        const [dxg, dWhh, dh0, dc0] = ds.noGrad(() => nn.functional.lstmRecurrenceBackwardReference(ghs, gcs, args[0]!, args[1]!, args[2]!, args[3]!, reverse));
        [dxg, dWhh, dh0, dc0].forEach((t, i) => {
          const r = reference[i + 2]!;
          expect(maxRelErr(t!, { shape: [...r.shape], dtype, data: r.toList() }), `composite ${names[i + 2]}`).toBeLessThan(tol);
        });
      });
    }
  }
});

describe("fused GRU recurrence equals the composite reference", () => {
  for (const [dtype, tol] of [["float64", 1e-12], ["float32", 2e-5]] as const) {
    for (const reverse of [false, true]) {
      it(`${dtype}${reverse ? ", reverse" : ""}: every h and the gradients of xg, W_hh, b_hh, h0`, () => {
        const g = new ds.Generator(reverse ? 21 : 22);
        const [T, B, H] = [6, 5, 11];
        const make = (...shape: number[]) => ds.randn(shape, { dtype, generator: g }).mul(0.5);
        const args = [make(T, B, 3 * H), make(3 * H, H), make(3 * H), make(B, H)];
        const ghs = make(T, B, H);
        const run = (f: typeof nn.functional.gruRecurrence) => {
          const leaves = args.map((a) => a.detach().requiresGrad_());
          const hs = f(leaves[0]!, leaves[1]!, leaves[2]!, leaves[3]!, reverse);
          hs.mul(ghs).sum().backward();
          return [hs, ...leaves.map((l) => l.grad!)];
        };
        const fused = run(nn.functional.gruRecurrence);
        const reference = run(nn.functional.gruRecurrenceReference);
        const names = ["hs", "grad xg", "grad W_hh", "grad b_hh", "grad h0"];
        fused.forEach((t, i) => {
          const r = reference[i]!;
          expect(maxRelErr(t, { shape: [...r.shape], dtype, data: r.toList() }), names[i]).toBeLessThan(tol);
        });
        // the composite backward (used under createGraph) agrees with both
        const grads = ds.noGrad(() => nn.functional.gruRecurrenceBackwardReference(ghs, args[0]!, args[1]!, args[2]!, args[3]!, reverse));
        grads.forEach((t, i) => {
          const r = reference[i + 1]!;
          expect(maxRelErr(t, { shape: [...r.shape], dtype, data: r.toList() }), `composite ${names[i + 1]}`).toBeLessThan(tol);
        });
      });
    }
  }

  it("rejects arguments of the wrong shape, naming them", () => {
    const xg = ds.randn([3, 2, 12]);
    expect(() => nn.functional.gruRecurrence(ds.randn([3, 2, 13]), ds.randn([12, 4]), ds.randn([12]), ds.randn([2, 4]))).toThrow("gruRecurrence: xg must be (T, B, 3H), got shape [3,2,13]");
    expect(() => nn.functional.gruRecurrence(xg, ds.randn([12, 3]), ds.randn([12]), ds.randn([2, 4]))).toThrow("gruRecurrence: weightHh must be (3H, H) = [12,4] for xg [3,2,12], got [12,3]");
    expect(() => nn.functional.gruRecurrence(xg, ds.randn([12, 4]), ds.randn([4]), ds.randn([2, 4]))).toThrow("gruRecurrence: biasHh must be (3H) = [12] for xg [3,2,12], got [4]");
    expect(() => nn.functional.gruRecurrence(xg, ds.randn([12, 4]), ds.randn([12]), ds.randn([3, 4]))).toThrow("gruRecurrence: h0 must be (B, H) = [2,4] for xg [3,2,12], got [3,4]");
  });
});
