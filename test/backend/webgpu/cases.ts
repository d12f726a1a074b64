// Backend-agreement cases written against the public API only: each is a pure async function of the
// deepscript module that builds its inputs from a seed, runs forward and backward, and reads every
// result with `await t.data()`. Run once on the CPU reference and once on another backend (WebGPU in
// Node here; a browser harness can import this file and run the same functions), the outputs must agree.
import type * as DS from "../../../src/index.js";

type ds = typeof DS;
type Tensor = DS.Tensor;

/** A tensor's shape, dtype and values, read asynchronously (works on every backend). */
export interface Read {
  shape: number[];
  dtype: string;
  values: number[];
}

/** Named outputs of one case. */
export type Outputs = Record<string, Read>;

/** A case: the function and the float32 tolerance its outputs are compared with (|got − want| ≤ atol + rtol·|want|). */
export interface AgreementCase {
  run: (ds: ds) => Promise<Outputs>;
  atol: number;
  rtol: number;
}

async function read(t: Tensor | null): Promise<Read> {
  if (t === null) throw new Error("read: missing tensor (a gradient that did not flow)");
  return { shape: [...t.shape], dtype: t.dtype, values: Array.from(await t.data(), Number) };
}

/** Reads every tensor of a record. */
async function readAll(named: Record<string, Tensor | null>): Promise<Outputs> {
  const out: Outputs = {};
  for (const [k, t] of Object.entries(named)) out[k] = await read(t);
  return out;
}

/** Σ y·w with w a fixed random tensor of y's shape: a loss whose gradient is w, not all ones. */
function weighted(ds: ds, y: Tensor, seed: number): Tensor {
  const g = new ds.Generator(seed);
  return y.mul(ds.randn([...y.shape], { generator: g })).sum();
}

/** A leaf: fixed random values that require grad. */
function leaf(ds: ds, shape: number[], seed: number, scale = 1): Tensor {
  const g = new ds.Generator(seed);
  return ds.randn(shape, { generator: g }).mul(scale).detach().requiresGrad_();
}

export const agreementCases: Record<string, AgreementCase> = {
  "every unary op, forward and backward, on a strided view (transposed, every other row)": {
    atol: 5e-6,
    rtol: 2e-5,
    run: async (ds) => {
      const out: Record<string, Tensor | null> = {};
      const fns: [string, (x: Tensor) => Tensor][] = [
        ["neg", (x) => x.neg()], ["abs", (x) => x.abs()], ["exp", (x) => x.exp()], ["log", (x) => x.abs().add(0.05).log()],
        ["log1p", (x) => x.abs().sub(0.9).maximum(ds.tensor(-0.95)).log1p()], ["expm1", (x) => x.expm1()],
        ["sqrt", (x) => x.abs().add(0.05).sqrt()], ["rsqrt", (x) => x.abs().add(0.05).rsqrt()], ["sin", (x) => x.sin()],
        ["cos", (x) => x.cos()], ["tanh", (x) => x.tanh()], ["sigmoid", (x) => x.sigmoid()], ["relu", (x) => x.relu()],
        ["sign", (x) => x.sign()], ["floor", (x) => x.floor()], ["ceil", (x) => x.ceil()], ["round", (x) => x.mul(2).round()],
        ["erf", (x) => x.erf()], ["square", (x) => x.square()], ["reciprocal", (x) => x.abs().add(0.5).reciprocal()],
        ["clamp", (x) => x.clamp({ min: -0.5, max: 0.7 })],
      ];
      fns.forEach(([name, f], k) => {
        const x = leaf(ds, [33, 9], 10 + k, 2);
        const view = x.slice(0, 1, 33, 2).transpose(0, 1); // (9, 16), strides (1, 18), offset 9
        const y = f(view);
        weighted(ds, y, 100 + k).backward();
        out[name] = y;
        out[`${name}.grad`] = x.grad;
      });
      return readAll(out);
    },
  },

  "binary ops broadcast (odd sizes, scalars, an empty operand), forward and backward": {
    atol: 2e-6,
    rtol: 2e-5,
    run: async (ds) => {
      const out: Record<string, Tensor | null> = {};
      const shapes: [number[], number[]][] = [[[7, 1], [1, 33]], [[3, 1, 7], [5, 1]], [[0, 4], [1, 4]]];
      const ops: [string, (a: Tensor, b: Tensor) => Tensor][] = [
        ["add", (a, b) => a.add(b)], ["sub", (a, b) => a.sub(b, { alpha: 2 })], ["mul", (a, b) => a.mul(b)], ["div", (a, b) => a.div(b.abs().add(0.5))],
        ["pow", (a, b) => a.abs().add(0.5).pow(b)], ["maximum", (a, b) => a.maximum(b)], ["minimum", (a, b) => a.minimum(b)],
      ];
      shapes.forEach(([sa, sb], i) => {
        ops.forEach(([name, f], j) => {
          const a = leaf(ds, sa, 1000 + 10 * i + j), b = leaf(ds, sb, 2000 + 10 * i + j);
          const y = f(a, b);
          weighted(ds, y, 3000 + 10 * i + j).backward();
          const key = `${name} [${sa}] [${sb}]`;
          out[key] = y;
          out[`${key} da`] = a.grad;
          out[`${key} db`] = b.grad;
        });
      });
      const x = leaf(ds, [4, 5], 7);
      const scalars = x.mul(3).add(1.5).sub(0.25).div(4).pow(2).maximum(ds.tensor(0.1));
      weighted(ds, scalars, 8).backward();
      out.scalars = scalars;
      out["scalars.grad"] = x.grad;
      return readAll(out);
    },
  },

  "comparisons, logical ops, where, maskedFill and int32 arithmetic": {
    atol: 0,
    rtol: 0,
    run: async (ds) => {
      const a = leaf(ds, [5, 7], 1), b = leaf(ds, [7], 2);
      const out: Record<string, Tensor | null> = {
        eq: a.round().eq(b.round()), ne: a.round().ne(b.round()), lt: a.lt(b), le: a.le(0), gt: a.gt(b), ge: a.ge(b),
        and: a.gt(0).logicalAnd(b.gt(0)), or: a.gt(0).logicalOr(b.gt(0)), xor: a.gt(0).logicalXor(b.gt(0)), not: a.gt(0).logicalNot(),
      };
      const w = ds.where(a.gt(b), a, b.mul(2));
      weighted(ds, w, 3).backward();
      out.where = w;
      out["where da"] = a.grad;
      out["where db"] = b.grad;
      out.maskedFill = a.detach().maskedFill(a.lt(0), -1);
      const i = ds.tensor([[3, -7, 0], [12, 5, -1]], { dtype: "int32" });
      const j = ds.tensor([2, 3, -4], { dtype: "int32" });
      out.intAdd = i.add(j);
      out.intMul = i.mul(j);
      out.intNeg = i.neg();
      out.intAbs = i.abs();
      out.intMax = i.maximum(j);
      out.intDiv = i.div(j); // true division: float32
      out.boolSum = a.gt(0).sum(1);
      return readAll(out);
    },
  },

  "reductions over dims (keepdim, transposed input, empty dims), arg-reductions, and their gradients": {
    atol: 2e-6,
    rtol: 2e-5,
    run: async (ds) => {
      const x = leaf(ds, [4, 5, 6], 11);
      const v = x.permute(2, 0, 1); // (6, 4, 5) strided
      const outs: Record<string, Tensor> = {
        sumAll: v.sum(), sum1: v.sum(1), sum02: v.sum([0, 2], true), mean: v.mean(-1), prod: v.mul(0.5).prod(1),
        amax: v.amax(2), amin: v.amin(0, true), maxValues: v.max(1).values, var: v.var(1), logsumexp: v.logsumexp(2),
        norm: v.norm(),
      };
      let total = ds.zeros([]);
      Object.values(outs).forEach((t, k) => (total = total.add(weighted(ds, t, 40 + k))));
      total.backward();
      const out: Record<string, Tensor | null> = { ...outs, grad: x.grad };
      out.maxIndices = v.max(1).indices;
      out.argmax = v.argmax(2);
      out.argmin = v.argmin(0, true);
      out.argmaxAll = v.argmax();
      const empty = ds.zeros([0, 3]);
      out.emptySum0 = empty.sum(0);
      out.emptySum = empty.sum();
      out.emptyProd = empty.prod(0);
      return readAll(out);
    },
  },

  "softmax and logSoftmax along either dim of a transposed view, forward and backward": {
    atol: 1e-6,
    rtol: 2e-5,
    run: async (ds) => {
      const x = leaf(ds, [11, 6], 21, 3);
      const v = x.t(); // (6, 11)
      const outs = { softmax0: v.softmax(0), softmax1: v.softmax(1), logSoftmax0: v.logSoftmax(0), logSoftmax1: v.logSoftmax(-1) };
      let total = ds.zeros([]);
      Object.values(outs).forEach((t, k) => (total = total.add(weighted(ds, t, 50 + k))));
      total.backward();
      return readAll({ ...outs, grad: x.grad });
    },
  },

  "matmul (2-D, batched, broadcast batch, transposed operand, vector) and linear, forward and backward": {
    atol: 2e-5,
    rtol: 5e-5,
    run: async (ds) => {
      const out: Record<string, Tensor | null> = {};
      const cases: [string, number[], number[], boolean][] = [
        ["2d", [65, 67], [67, 33], false], ["batched", [3, 7, 13], [3, 13, 5], false], ["broadcast", [2, 1, 4, 6], [3, 6, 5], false],
        ["transposed b", [9, 17], [5, 17], true], ["vector-matrix", [13], [13, 5], false], ["matrix-vector", [7, 13], [13], false],
      ];
      cases.forEach(([name, sa, sb, transpose], k) => {
        const a = leaf(ds, sa, 60 + k), b = leaf(ds, sb, 70 + k);
        const y = a.matmul(transpose ? b.t() : b);
        weighted(ds, y, 80 + k).backward();
        out[name] = y;
        out[`${name} da`] = a.grad;
        out[`${name} db`] = b.grad;
      });
      const x = leaf(ds, [10, 20], 90), w = leaf(ds, [7, 20], 91), bias = leaf(ds, [7], 92);
      const y = ds.nn.functional.linear(x, w, bias);
      weighted(ds, y, 93).backward();
      Object.assign(out, { linear: y, "linear dx": x.grad, "linear dw": w.grad, "linear db": bias.grad });
      return readAll(out);
    },
  },

  "gather, indexSelect, index, scatterAdd, indexAdd (repeated indices), forward and backward": {
    atol: 1e-6,
    rtol: 1e-5,
    run: async (ds) => {
      const x = leaf(ds, [5, 7], 31);
      const idx = ds.tensor([[0, 6, 6], [1, 1, 2], [5, 0, 3], [4, 4, 4], [2, 3, 6]], { dtype: "int32" });
      const g = x.gather(1, idx);
      const s = x.indexSelect(0, [2, 0, 2, 4]);
      const ix = x.t().index(ds.tensor([6, 1, 6], { dtype: "int32" }));
      weighted(ds, g, 32).add(weighted(ds, s, 33)).add(weighted(ds, ix, 34)).backward();
      const base = leaf(ds, [4, 6], 35), src = leaf(ds, [4, 3], 36), src2 = leaf(ds, [4, 2], 37);
      const sa = base.scatterAdd(1, ds.tensor([[0, 5, 5], [1, 1, 1], [2, 0, 3], [4, 4, 0]], { dtype: "int32" }), src);
      const ia = base.indexAdd(1, ds.tensor([3, 3], { dtype: "int32" }), src2);
      weighted(ds, sa, 38).add(weighted(ds, ia, 39)).backward();
      return readAll({ gather: g, indexSelect: s, index: ix, grad: x.grad, scatterAdd: sa, indexAdd: ia, "base.grad": base.grad, "src.grad": src.grad, "src2.grad": src2.grad });
    },
  },

  "movement: reshape of a strided view (a copy), expand, slice with steps, cat, stack, casts, empty tensors": {
    atol: 0,
    rtol: 0,
    run: async (ds) => {
      const x = leaf(ds, [6, 8], 41);
      const r = x.t().reshape(4, 12); // not viewable: copies
      const e = x.slice(1, 0, 1).expand(6, 3).contiguous();
      const st = x.slice(0, 1, 6, 2).slice(1, 0, 8, 3);
      const c = ds.cat([x.slice(0, 0, 2), x.slice(0, 4, 6).mul(2)], 0);
      const c1 = ds.cat([x.slice(1, 0, 3), ds.zeros([6, 0]), x.slice(1, 5, 8)], 1);
      const stacked = ds.stack([x.select(0, 1), x.select(0, 3)], 1);
      weighted(ds, r, 42).add(weighted(ds, e, 43)).add(weighted(ds, st, 44)).add(weighted(ds, c, 45)).add(weighted(ds, c1, 46)).add(weighted(ds, stacked, 47)).backward();
      const f = x.detach().mul(3);
      return readAll({
        reshape: r, expand: e, slice: st, cat0: c, cat1: c1, stack: stacked, grad: x.grad,
        toInt: f.int(), toBool: f.int().bool(), backToFloat: f.int().float(), squeeze: x.detach().unsqueeze(1).squeeze(1),
        flatten: x.detach().t().flatten(), emptyReshape: ds.zeros([0, 6]).reshape(3, 0, 2), emptyCat: ds.cat([ds.zeros([0, 2]), ds.ones([1, 2])], 0),
      });
    },
  },

  "losses: crossEntropy (with ignoreIndex and class weights), nllLoss, mseLoss, binaryCrossEntropy, forward and backward": {
    atol: 1e-6,
    rtol: 2e-5,
    run: async (ds) => {
      const F = ds.nn.functional;
      const logits = leaf(ds, [9, 5], 51);
      const target = ds.tensor([0, 4, 2, 2, 1, 3, 0, 4, 1], { dtype: "int32" });
      const ce = F.crossEntropy(logits, target);
      const ceIgnore = F.crossEntropy(logits, ds.tensor([0, -100, 2, 2, 1, -100, 0, 4, 1], { dtype: "int32" }), { weight: ds.tensor([1, 2, 0.5, 1, 3]) });
      const ceSum = F.crossEntropy(logits, target, { reduction: "sum", labelSmoothing: 0.1 });
      const p = leaf(ds, [9, 5], 52).sigmoid();
      const y = ds.rand([9, 5], { generator: new ds.Generator(53) });
      const bce = F.binaryCrossEntropy(p, y);
      const mse = F.mseLoss(logits, y);
      ce.add(ceIgnore).add(ceSum).add(bce).add(mse).backward();
      return readAll({ ce, ceIgnore, ceSum, bce, mse, grad: logits.grad });
    },
  },

  "conv2d/conv1d (stride, padding, dilation, groups, bias), convTranspose2d, max/avg pooling, layerNorm, scaledDotProductAttention, cumsum, forward and backward": {
    atol: 5e-5,
    rtol: 1e-4,
    run: async (ds) => {
      const F = ds.nn.functional;
      const out: Record<string, Tensor | null> = {};
      const x = leaf(ds, [2, 4, 9, 11], 200), w = leaf(ds, [6, 2, 3, 3], 201, 0.3), b = leaf(ds, [6], 202);
      const y = F.conv2d(x, w, b, { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 });
      weighted(ds, y, 203).backward();
      Object.assign(out, { conv2d: y, "conv2d dx": x.grad, "conv2d dw": w.grad, "conv2d db": b.grad });
      const x1 = leaf(ds, [3, 5, 17], 204), w1 = leaf(ds, [7, 5, 4], 205, 0.3);
      const y1 = F.conv1d(x1, w1, null, { stride: 3, padding: 2 });
      weighted(ds, y1, 206).backward();
      Object.assign(out, { conv1d: y1, "conv1d dx": x1.grad, "conv1d dw": w1.grad });
      const xt = leaf(ds, [2, 3, 5, 6], 207), wt = leaf(ds, [3, 4, 3, 3], 208, 0.3);
      const yt = F.convTranspose2d(xt, wt, null, { stride: 2, padding: 1, outputPadding: 1 });
      weighted(ds, yt, 209).backward();
      Object.assign(out, { convTranspose2d: yt, "convTranspose2d dx": xt.grad, "convTranspose2d dw": wt.grad });
      const xp = leaf(ds, [2, 3, 11, 10], 210);
      const mp = F.maxPool2d(xp, 3, { stride: 2, padding: 1, ceilMode: true });
      const ap = F.avgPool2d(xp, 2, { stride: 3 });
      weighted(ds, mp, 211).add(weighted(ds, ap, 212)).backward();
      Object.assign(out, { maxPool2d: mp, avgPool2d: ap, "pool dx": xp.grad });
      const xl = leaf(ds, [3, 5, 24], 213), gl = leaf(ds, [24], 214), bl = leaf(ds, [24], 215);
      const yl = F.layerNorm(xl, [24], { weight: gl, bias: bl });
      weighted(ds, yl, 216).backward();
      Object.assign(out, { layerNorm: yl, "layerNorm dx": xl.grad, "layerNorm dw": gl.grad, "layerNorm db": bl.grad });
      const q = leaf(ds, [2, 3, 7, 8], 217), k = leaf(ds, [2, 3, 9, 8], 218), v = leaf(ds, [2, 3, 9, 5], 219);
      const ya = F.scaledDotProductAttention(q, k, v);
      weighted(ds, ya, 220).backward();
      Object.assign(out, { attention: ya, "attention dq": q.grad, "attention dk": k.grad, "attention dv": v.grad });
      const xc = leaf(ds, [4, 13], 221);
      const yc = xc.cumsum(1);
      weighted(ds, yc, 222).backward();
      Object.assign(out, { cumsum: yc, "cumsum dx": xc.grad });
      return readAll(out);
    },
  },
  "in-place writes: copy_ (broadcast), fill_, zero_, add_/mul_/sub_ with alpha, into dense and strided views": {
    atol: 0,
    rtol: 0,
    run: async (ds) => {
      const a = ds.zeros([4, 5]);
      a.copy_(ds.arange(5));
      const b = a.clone().mul_(2).add_(ds.ones([5]), { alpha: 3 }).sub_(0.5);
      const c = ds.ones([3, 2]).fill_(7);
      const d = ds.ones([2, 2]).zero_();
      const e = ds.arange(6).float().reshape(2, 3);
      e.slice(0, 1, 2).copy_(ds.tensor([[9, 8, 7]])); // a dense row of a matrix
      const f = ds.zeros([4, 6]);
      f.t().slice(0, 1, 6, 2).copy_(ds.arange(12).float().reshape(3, 4)); // strided: every other column
      f.slice(0, 0, 4, 3).fill_(-1); // rows 0 and 3
      f.select(1, 0).add_(0.5); // a column
      const h = ds.ones([3, 4]);
      h.t().mul_(ds.tensor([1, 2, 3])); // strided, with broadcasting
      return readAll({ a, b, c, d, e, f, h });
    },
  },
};

/** The MLP of the training test: 20-64-64-5, ReLU. */
export function mlp(ds: ds): DS.nn.Sequential {
  const { Linear, ReLU, Sequential } = ds.nn;
  return new Sequential(new Linear(20, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, 5));
}

/**
 * Trains `model` on a fixed 64-sample, 5-class problem with cross-entropy and Adam for `steps` steps;
 * returns every step's loss (read once, after the loop, so nothing in the loop waits for a GPU).
 */
export async function trainMlp(ds: ds, model: DS.nn.Sequential, steps: number): Promise<number[]> {
  return trainModel(ds, model, [64, 20], steps, 5);
}

/**
 * A small CNN for 8×8 images: conv 1→4 (3×3, padding 1) → ReLU → max-pool 2 → conv 4→8 (3×3) → ReLU →
 * flatten → linear 32→5 (small, as SwiftShader runs it in Chromium too).
 */
export function cnn(ds: ds): DS.nn.Sequential {
  const { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } = ds.nn;
  return new Sequential(new Conv2d(1, 4, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Conv2d(4, 8, 3), new ReLU(), new Flatten(), new Linear(32, 5));
}

/** The Transformer block model of {@link trainModel}'s Transformer case: encoder layer, mean over positions, linear head. */
export function transformerBlock(ds: ds): { parameters: () => Iterable<Tensor>; forward: (x: Tensor) => Tensor } {
  const layer = new ds.nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true });
  const head = new ds.nn.Linear(8, 5);
  return {
    parameters: () => [...layer.parameters(), ...head.parameters()],
    forward: (x) => head.forward(layer.forward(x).mean(1)),
  };
}

/**
 * Trains `model` on a fixed 5-class problem (inputs of `inputShape` and labels drawn from `seed`) with
 * cross-entropy and Adam for `steps` steps; returns every step's loss, read once after the loop.
 */
export async function trainModel(ds: ds, model: { parameters: () => Iterable<Tensor>; forward: (x: Tensor) => Tensor }, inputShape: number[], steps: number, seed = 6): Promise<number[]> {
  const g = new ds.Generator(seed);
  const x = ds.randn(inputShape, { generator: g });
  const y = ds.randint(0, 5, [inputShape[0]!], { generator: g });
  const opt = new ds.optim.Adam([...model.parameters()], { lr: 3e-3 });
  const losses: Tensor[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const loss = ds.nn.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    losses.push(loss.detach());
  }
  return Array.from(await ds.stack(losses).data(), Number);
}

/** Largest |got − want| − (atol + rtol·|want|) over two outputs (≤ 0 when they agree); NaN matches NaN. */
export function excess(got: Read, want: Read, atol: number, rtol: number): { excess: number; index: number } {
  let worst = -Infinity, index = -1;
  for (let i = 0; i < want.values.length; i++) {
    const w = want.values[i]!, v = got.values[i]!;
    if (Number.isNaN(w) && Number.isNaN(v)) continue;
    const e = w === v ? -1 : Math.abs(v - w) - (atol + rtol * Math.abs(w));
    if (!(e <= worst)) (worst = Number.isNaN(e) ? Infinity : e), (index = i);
  }
  return { excess: want.values.length === 0 ? 0 : worst, index };
}
