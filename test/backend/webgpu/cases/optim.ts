// The fused WebGPU optimizer steps vs src/optim's CPU optimizers on the same numbers: Adam (with L2 weight
// decay, and AMSGrad), AdamW, and SGD with momentum, dampening and Nesterov, over several steps.
import * as ds from "../../../../src/index.js";
import { Parameter } from "../../../../src/nn/Parameter.js";
import { adamStep, sgdStep } from "../../../../src/backend/webgpu/optim.js";
import { uploadLayout } from "../../../../src/backend/webgpu/layout.js";
import { toGPU, type WebGPUCase, type WebGPUCaseGroup } from "./check.js";

/** Parameters: 3001 (odd, not a multiple of the 256-thread workgroups) standard normals; 5 steps. */
const N = 3001, STEPS = 5;
/**
 * float32 tolerance: both sides round every operation to float32 in PyTorch's order, but a GPU compiler may
 * fuse a·b + c into one rounding and WGSL's sqrt and division are within 2.5 ulp, not exact: the
 * parameters (|θ| ≲ 4) are held to 1e-6 absolute (a few ulps) after 5 steps.
 */
const TOL = { atol: 1e-6, rtol: 0 };

function gradients(seed: number): ds.Tensor[] {
  ds.manualSeed(seed);
  return Array.from({ length: STEPS }, () => ds.randn([N]));
}

const adamCases = ([
  ["Adam", { lr: 0.01, weightDecay: 0 }],
  ["Adam with L2 weight decay and AMSGrad", { lr: 0.02, weightDecay: 0.1, amsgrad: true, betas: [0.8, 0.95] as [number, number] }],
  ["AdamW", { lr: 0.01, weightDecay: 0.05 }],
] as const).map(([name, opts]): WebGPUCase => ({
  name: `${name} matches optim.${name.startsWith("AdamW") ? "AdamW" : "Adam"} over ${STEPS} steps`,
  async run(g, t) {
    ds.manualSeed(20);
    const p = new Parameter(ds.randn([N]));
    const gp = toGPU(g, p.detach().clone());
    const zeros = () => uploadLayout(g, new Float32Array(N), [N], "float32");
    const m = zeros(), v = zeros(), vmax = "amsgrad" in opts ? zeros() : null;
    const decoupled = name === "AdamW";
    const opt = decoupled ? new ds.optim.AdamW([p], opts) : new ds.optim.Adam([p], opts);
    const [beta1, beta2] = "betas" in opts ? opts.betas : [0.9, 0.999];
    const grads = gradients(21);
    for (let step = 1; step <= STEPS; step++) {
      p.grad = grads[step - 1]!;
      opt.step();
      adamStep(g, gp, toGPU(g, grads[step - 1]!), m, v, vmax, {
        stepSize: opts.lr / (1 - Math.pow(beta1, step)), beta1, beta2, bc2: Math.sqrt(1 - Math.pow(beta2, step)), eps: 1e-8,
        weightDecay: decoupled ? 0 : opts.weightDecay, decay: decoupled ? 1 - opts.lr * opts.weightDecay : 1,
      });
    }
    await t.close(gp, p.detach(), TOL, `parameters after ${STEPS} steps`);
  },
}));

const sgdCases = ([
  ["plain SGD with weight decay", { lr: 0.1, weightDecay: 0.01 }],
  ["SGD with momentum and dampening", { lr: 0.05, momentum: 0.9, dampening: 0.1 }],
  ["SGD with Nesterov momentum", { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.02 }],
] as const).map(([name, opts]): WebGPUCase => ({
  name: `${name} matches optim.SGD over ${STEPS} steps`,
  async run(g, t) {
    ds.manualSeed(22);
    const p = new Parameter(ds.randn([N]));
    const gp = toGPU(g, p.detach().clone());
    const b = uploadLayout(g, new Float32Array(N), [N], "float32");
    const opt = new ds.optim.SGD([p], opts);
    const grads = gradients(23);
    for (let step = 1; step <= STEPS; step++) {
      p.grad = grads[step - 1]!;
      opt.step();
      sgdStep(g, gp, toGPU(g, grads[step - 1]!), "momentum" in opts ? b : null, {
        lr: opts.lr, momentum: "momentum" in opts ? opts.momentum : 0, dampening: "dampening" in opts ? opts.dampening : 0,
        weightDecay: "weightDecay" in opts ? opts.weightDecay : 0, nesterov: "nesterov" in opts, first: step === 1,
      });
    }
    await t.close(gp, p.detach(), TOL, `parameters after ${STEPS} steps`);
  },
}));

export const optimCases: WebGPUCaseGroup = {
  title: "WebGPU fused optimizer steps",
  cases: [...adamCases, ...sgdCases],
};
