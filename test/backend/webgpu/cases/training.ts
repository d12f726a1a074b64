// A small MLP trained through the layout-level WebGPU kernels (linear, relu, logSoftmax, gather, mean,
// matmul on transposed views, reluBackward, sum, the fused Adam step), forward and backward written out by
// hand, vs the same network trained by deepscript's autograd and optim.Adam on the CPU from the same start.
import * as ds from "../../../../src/index.js";
import { Parameter } from "../../../../src/nn/Parameter.js";
import type { WebGPUDevice } from "../../../../src/backend/webgpu/device.js";
import { binary, reluBackward, unary } from "../../../../src/backend/webgpu/elementwise.js";
import { gather } from "../../../../src/backend/webgpu/indexing.js";
import { uploadLayout, type GPULayout } from "../../../../src/backend/webgpu/layout.js";
import { linear, matmul } from "../../../../src/backend/webgpu/matmul.js";
import { adamStep } from "../../../../src/backend/webgpu/optim.js";
import { reduce, softmax } from "../../../../src/backend/webgpu/reduce.js";
import { fromGPU, toGPU, type WebGPUCaseGroup } from "./check.js";

/** Batch, input features, hidden units, classes (odd, so no size is a multiple of a tile or a workgroup), Adam steps. */
const B = 67, D = 9, H = 33, C = 5, STEPS = 50;
const ADAM = { lr: 0.02, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
/**
 * Both sides compute in float32 but sum the K-term products (K ≤ 67) in other orders and may contract
 * a·b + c, so each step's gradients differ by a few ulps. The loss (1.7 falling to 0.003) is a mean of
 * logSoftmax values, whose float32 error is absolute, ~ε·(|z − max z| + log C): held to 1e-6 absolute plus
 * 1e-6 relative (measured 1.2e-7 on lavapipe and SwiftShader). Adam divides by √v̂, so as the gradients
 * shrink their relative differences, and with them the weights', grow: the weights are held to a
 * thousandth of Adam's largest step, 1e-3·lr = 2e-5 (measured 2.9e-6 after 50 steps).
 */
const LOSS_TOL = { atol: 1e-6, rtol: 1e-6 }, WEIGHT_TOL = { atol: 1e-3 * ADAM.lr, rtol: 0 };
/**
 * The first step's gradients (|·| ≲ 0.3) are sums of K ≤ 67 products of terms ≲ 0.1 (dz and dh carry
 * the 1/B of the mean): their float32 roundings are a few 1e-8 (measured 4.5e-8 on both adapters), held
 * to 1e-6 absolute plus 1e-5 relative. Adam is nearly blind to a gradient's scale (m̂/√v̂), so this is the
 * check that would see one wrong.
 */
const GRAD_TOL = { atol: 1e-6, rtol: 1e-5 };

/** (N, M) seen as (M, N) through its strides: what matmul reads without a copy. */
const T = (x: GPULayout): GPULayout => ({ ...x, shape: [x.shape[1]!, x.shape[0]!], strides: [x.strides[1]!, x.strides[0]!] });

/** A fresh start: weights as nn.Linear initializes them, data of C overlapping Gaussian blobs (centres and noise N(0, 1)), from fixed seeds. */
function problem(): { x: ds.Tensor; y: ds.Tensor; weights: ds.Tensor[] } {
  const gen = new ds.Generator(31);
  const centres = ds.randn([C, D], { generator: gen });
  const y = ds.randint(0, C, [B], { dtype: "int32", generator: gen });
  const x = centres.indexSelect(0, y).add(ds.randn([B, D], { generator: gen }));
  const l1 = new ds.nn.Linear(D, H, { generator: gen }), l2 = new ds.nn.Linear(H, C, { generator: gen });
  return { x, y, weights: [l1.weight, l1.bias!, l2.weight, l2.bias!].map((w) => w.detach().clone()) };
}

interface Run<W> {
  /** The loss before each step. */
  losses: number[];
  /** The first step's gradients and the weights after the last step, both in the order w1, b1, w2, b2. */
  grads: W[];
  weights: W[];
}

/** The CPU reference: autograd + optim.Adam. */
function trainOnCPU(x: ds.Tensor, y: ds.Tensor, weights: ds.Tensor[]): Run<ds.Tensor> {
  const params = weights.map((w) => new Parameter(w.clone()));
  const [w1, b1, w2, b2] = params as [Parameter, Parameter, Parameter, Parameter];
  const opt = new ds.optim.Adam(params, { lr: ADAM.lr, betas: [ADAM.beta1, ADAM.beta2], eps: ADAM.eps });
  const losses: number[] = [];
  let grads: ds.Tensor[] = [];
  for (let step = 0; step < STEPS; step++) {
    opt.zeroGrad();
    const logits = ds.nn.functional.linear(ds.nn.functional.linear(x, w1, b1).relu(), w2, b2);
    const loss = ds.nn.functional.crossEntropy(logits, y);
    loss.backward();
    if (step === 0) grads = params.map((p) => p.grad!.clone());
    opt.step();
    losses.push(loss.item());
  }
  return { losses, grads, weights: params.map((p) => p.detach()) };
}

/** The same training on the GPU; the losses stay on the GPU until the end (no readback per step). */
async function trainOnGPU(g: WebGPUDevice, x: ds.Tensor, y: ds.Tensor, weights: ds.Tensor[]): Promise<Run<GPULayout>> {
  const gx = toGPU(g, x);
  const gy = toGPU(g, y.reshape([B, 1]));
  const onehotOverB = toGPU(g, ds.oneHot(y, C).to("float32").div(B)); // (B, C)
  const invB = toGPU(g, ds.tensor([1 / B]));
  const params = weights.map((w) => toGPU(g, w.clone()));
  const [w1, b1, w2, b2] = params as [GPULayout, GPULayout, GPULayout, GPULayout];
  const moments = params.map((p) => [0, 1].map(() => uploadLayout(g, new Float32Array(p.shape.reduce((a, b) => a * b, 1)), p.shape, "float32")));
  const losses: GPULayout[] = [];
  let firstGrads: GPULayout[] = [];
  for (let step = 1; step <= STEPS; step++) {
    // forward: h = relu(x·w1ᵀ + b1) (B, H); z = h·w2ᵀ + b2 (B, C); loss = −mean log softmax(z)[i, yᵢ]
    const h = unary(g, "relu", linear(g, gx, w1, b1));
    const z = linear(g, h, w2, b2);
    const logp = softmax(g, z, 1, true);
    losses.push(unary(g, "neg", reduce(g, "mean", gather(g, logp, gy, 1), [0, 1], false)));
    // backward: dz = (softmax(z) − onehot(y)) / B; dw2 = dzᵀ·h; db2 = Σᵢ dz; dh = dz·w2 where h > 0; dw1 = dhᵀ·x
    const dz = binary(g, "sub", binary(g, "mul", softmax(g, z, 1), invB), onehotOverB);
    const dh = reluBackward(g, matmul(g, dz, w2), h);
    const grads = [matmul(g, T(dh), gx), reduce(g, "sum", dh, [0], false), matmul(g, T(dz), h), reduce(g, "sum", dz, [0], false)];
    if (step === 1) firstGrads = grads; // fresh buffers: the in-place steps below do not touch them
    params.forEach((p, k) => {
      adamStep(g, p, grads[k]!, moments[k]![0]!, moments[k]![1]!, null, {
        stepSize: ADAM.lr / (1 - ADAM.beta1 ** step), beta1: ADAM.beta1, beta2: ADAM.beta2, bc2: Math.sqrt(1 - ADAM.beta2 ** step),
        eps: ADAM.eps, weightDecay: 0, decay: 1,
      });
    });
  }
  const read: number[] = [];
  for (const loss of losses) read.push((await fromGPU(g, loss))[0]!);
  return { losses: read, grads: firstGrads, weights: params };
}

export const trainingCases: WebGPUCaseGroup = {
  title: "WebGPU MLP training through the kernels",
  cases: [
    {
      name: `a ${D}-${H}-${C} ReLU MLP trained ${STEPS} Adam steps on the GPU follows autograd + optim.Adam on the CPU (losses and weights)`,
      async run(g, t) {
        const { x, y, weights } = problem();
        const cpu = trainOnCPU(x, y, weights);
        const gpu = await trainOnGPU(g, x, y, weights);
        t.ok(cpu.losses.at(-1)! < 0.5 * cpu.losses[0]!, `the CPU reference learns (loss ${cpu.losses[0]} → ${cpu.losses.at(-1)})`);
        t.closeValues(gpu.losses, cpu.losses, LOSS_TOL, "losses");
        const names = ["w1", "b1", "w2", "b2"];
        for (let k = 0; k < 4; k++) await t.close(gpu.grads[k]!, cpu.grads[k]!, GRAD_TOL, `the first step's gradient of ${names[k]}`);
        for (let k = 0; k < 4; k++) await t.close(gpu.weights[k]!, cpu.weights[k]!, WEIGHT_TOL, `${names[k]} after ${STEPS} steps`);
      },
    },
  ],
};
