// Transfer learning helpers: freeze a backbone (no gradients for its parameters), unfreeze it, and the
// parameters an optimizer should still update.
import type { Parameter } from "./Parameter.js";
import { Module, type AnyModule } from "./Module.js";
import { describe } from "../tensor/validate.js";

function checkModule(op: string, module: unknown): asserts module is AnyModule {
  if (!(module instanceof Module)) throw new Error(`${op}: expected an nn.Module, got ${describe(module)}`);
}

/**
 * Freezes `module`: every parameter gets `requiresGrad = false` (PyTorch's
 * `module.requires_grad_(False)`), so backward computes no gradient for it and optimizers skip it.
 * With `{ eval: true }` the module is also put in eval mode, so that its batch norms stop updating
 * their running statistics (call it again after `model.train()`, which turns training mode back on).
 * Returns the module.
 * ```ts
 * const net = vision.models.resnet18({ numClasses: 10 });
 * nn.freeze(net);
 * net.fc = new nn.Linear(512, 5);             // a new head, trainable
 * const opt = new optim.Adam(nn.trainableParameters(net), { lr: 1e-3 });
 * ```
 */
export function freeze<M extends AnyModule>(module: M, options: { eval?: boolean } = {}): M {
  checkModule("freeze", module);
  module.requiresGrad_(false);
  if (options.eval) module.eval();
  return module;
}

/** Undoes {@link freeze}: every parameter gets `requiresGrad = true`. Returns the module. */
export function unfreeze<M extends AnyModule>(module: M): M {
  checkModule("unfreeze", module);
  return module.requiresGrad_(true);
}

/** The parameters of `module` that require gradients (what to hand an optimizer after freezing a part). */
export function trainableParameters(module: AnyModule): Parameter[] {
  checkModule("trainableParameters", module);
  return [...module.parameters()].filter((p) => p.requiresGrad);
}
