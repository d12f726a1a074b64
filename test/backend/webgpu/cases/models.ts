// A CNN and a Transformer block trained for 50 Adam steps through the public API under
// setBackend("webgpu") vs the same models, from the same initial weights, trained on the CPU reference:
// the losses agree step by step. The models and the training loop are those of ../cases.ts.
import * as ds from "../../../../src/index.js";
import { cnn, trainModel, transformerBlock } from "../cases.js";
import { on, type WebGPUCase, type WebGPUCaseGroup } from "./check.js";

const STEPS = 50;
/**
 * Both sides compute in float32, but sum convolutions, products and softmaxes in other orders: a few ulps
 * per step that Adam carries on; 1e-4 relative plus 1e-5 absolute holds the losses (1.8 falling to 0.4–0.6).
 */
const LOSS_TOL = { atol: 1e-5, rtol: 1e-4 };

type Model = { parameters: () => Iterable<ds.Tensor>; forward: (x: ds.Tensor) => ds.Tensor };

/** The case: `make()` trained on the CPU and on WebGPU (its initial weights uploaded), losses compared. */
function trainingCase(name: string, make: () => Model, inputShape: number[]): WebGPUCase {
  return {
    name: `${name} trained ${STEPS} steps with Adam on WebGPU has the CPU's losses (same initial weights, uploaded)`,
    async run(_g, t) {
      ds.manualSeed(7);
      const cpuModel = make();
      const initialWeights = [...cpuModel.parameters()].map((p) => p.detach().clone());
      const want = await on("cpu", () => trainModel(ds, cpuModel, inputShape, STEPS));
      const got = await on("webgpu", async () => {
        const model = make();
        ds.noGrad(() => [...model.parameters()].forEach((p, i) => p.copy_(initialWeights[i]!)));
        t.ok([...model.parameters()].every((p) => p.storage.device?.device === "webgpu"), "every parameter lives on the webgpu device");
        return trainModel(ds, model, inputShape, STEPS);
      });
      t.ok(want[STEPS - 1]! < want[0]! * 0.5, `the CPU reference learns (loss ${want[0]} → ${want[STEPS - 1]})`);
      t.closeValues(got, want, LOSS_TOL, "losses");
    },
  };
}

export const modelTrainingCases: WebGPUCaseGroup = {
  title: "WebGPU CNN and Transformer training through setBackend",
  cases: [
    trainingCase("a CNN (conv-ReLU-maxpool-conv-ReLU-linear) on 8 images of 8×8", () => cnn(ds), [8, 1, 8, 8]),
    trainingCase("a Transformer block (encoder layer d 8, 2 heads, feed-forward 16, mean-pool, linear head) on 8 sequences of 4", () => transformerBlock(ds), [8, 4, 8]),
  ],
};
