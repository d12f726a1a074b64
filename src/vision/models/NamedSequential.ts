// NamedSequential: a Sequential whose children have names (PyTorch's `nn.Sequential(OrderedDict(...))`),
// so that model files can keep torchvision's state-dict keys (`features.conv0.weight`).
import type { Tensor } from "../../tensor/Tensor.js";
import { Module } from "../../nn/Module.js";
import type { TensorModule } from "../../nn/containers.js";

/** Chains named modules in order; `get(name)` returns one. */
export class NamedSequential extends Module {
  private readonly _named: [string, TensorModule][];
  constructor(named: [string, TensorModule][]) {
    super();
    const names = new Set<string>();
    for (const [name, m] of named) {
      if (!(m instanceof Module)) throw new Error(`${new.target.name}: "${name}" must be a Module`);
      if (names.has(name) || name === "" || name.includes(".")) throw new Error(`${new.target.name}: child names must be unique, non-empty and without ".", got "${name}"`);
      names.add(name);
    }
    this._named = named;
  }
  protected override members(): [string, unknown][] {
    return this._named;
  }
  /** Child names are already the state-dict keys (`denseblock1`, `norm5`). */
  protected override stateKey(name: string): string {
    return name;
  }
  get(name: string): TensorModule {
    const found = this._named.find(([n]) => n === name);
    if (found === undefined) throw new Error(`${this.constructor.name}.get: no child named "${name}" (children: ${this._named.map(([n]) => n).join(", ")})`);
    return found[1];
  }
  forward(x: Tensor): Tensor {
    let y = x;
    for (const [, m] of this._named) y = m.call(y);
    return y;
  }
}
