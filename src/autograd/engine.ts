// Applying primitives: runs the backend kernel and, when gradients are wanted, records a tape node.
import type { Prim, PrimParams } from "./prims.js";
import { Tensor } from "../tensor/Tensor.js";
import { getBackend } from "../backend/registry.js";
import { activeDevice } from "../backend/placement.js";
import type { TensorView } from "../backend/storage.js";
import { vjpRules } from "./vjp.js";
import { isFloating } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { markOutputsSaved } from "../tensor/recycle.js";

/** One recorded primitive application: what backward needs to run its gradient row. */
export class Node {
  /** Storage versions of the inputs and outputs at forward time (checked when the VJP reads them). */
  readonly inputVersions: number[];
  readonly outputVersions: number[];
  released = false;
  constructor(
    readonly prim: Prim,
    public inputs: Tensor[],
    readonly params: PrimParams[Prim],
    public outputs: Tensor[],
  ) {
    this.inputVersions = inputs.map((t) => t.storage.version);
    this.outputVersions = outputs.map((t) => t.storage.version);
    // The node claims the memory of what it saved until backward releases it (see Tensor.dispose).
    for (let i = 0; i < inputs.length; i++) inputs[i]!.storage.refs++;
    for (let i = 0; i < outputs.length; i++) outputs[i]!.storage.refs++;
  }
  /** PyTorch-style name for printing: exp → ExpBackward. */
  get name(): string {
    return this.prim[0]!.toUpperCase() + this.prim.slice(1) + "Backward";
  }
}

let gradEnabled = true;

/**
 * Whether operations are currently recorded on the autograd tape (false inside {@link noGrad}), as
 * `torch.is_grad_enabled`.
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}
/**
 * Turns recording on the autograd tape on or off globally (`torch.set_grad_enabled`); prefer the scoped
 * {@link noGrad} / {@link enableGrad}.
 */
export function setGradEnabled(enabled: boolean): void {
  gradEnabled = enabled;
}

/**
 * Runs `fn` without recording the tape (like `torch.no_grad()`): for updates and evaluation.
 * ```ts
 * ds.noGrad(() => w.sub_(w.grad!.mul(0.1)));
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs `fn` with recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * The tensor for a kernel's output view: the input tensor itself when the kernel handed one back
 * unchanged, else a new tensor over the view's storage (a view of an input shares its storage and
 * so its version counter and claims).
 */
function toTensor(v: TensorView): Tensor {
  return v instanceof Tensor ? v : new Tensor(v.storage, v.shape, v.strides, v.offset, v.dtype);
}

/** Applies a single-output primitive. */
export function apply<P extends Prim>(prim: P, inputs: Tensor[], params: PrimParams[P]): Tensor {
  checkLive(prim, inputs);
  const recording = gradEnabled && recorded(prim, inputs);
  const view = recording ? runSaved(prim, inputs, params) : getBackend()[prim](inputs, params);
  if (Array.isArray(view)) throw new Error(`internal: primitive ${prim} returned several outputs; use applyMulti`);
  const out = toTensor(view as TensorView);
  if (recording) record(prim, inputs, params, [out]);
  return out;
}

/** Applies a primitive with several outputs (slogdet, eigh, qr, svd). */
export function applyMulti<P extends Prim>(prim: P, inputs: Tensor[], params: PrimParams[P]): Tensor[] {
  checkLive(prim, inputs);
  const recording = gradEnabled && recorded(prim, inputs);
  const views = recording ? runSaved(prim, inputs, params) : getBackend()[prim](inputs, params);
  const outs = Array.isArray(views) ? views.map(toTensor) : [toTensor(views as TensorView)];
  if (recording) record(prim, inputs, params, outs);
  return outs;
}

/**
 * Runs a kernel whose outputs the tape will save (see markOutputsSaved). Kernels call no primitives, so
 * the mark needs no stack; one left set by a kernel that threw only costs the next outputs a resident block.
 */
function runSaved<P extends Prim>(prim: P, inputs: Tensor[], params: PrimParams[P]): TensorView | TensorView[] {
  markOutputsSaved(true);
  const views = getBackend()[prim](inputs, params);
  markOutputsSaved(false);
  return views;
}

function checkLive(prim: Prim, inputs: Tensor[]): void {
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i]!;
    if (t.isDisposed) {
      throw new Error(`${prim}: input ${i} (shape ${fmtShape(t.shape)}, ${t.dtype}) was disposed; it cannot be used any more`);
    }
    const device = t.storage.device;
    if (device !== null && device.device !== activeDevice()) {
      throw new Error(
        `${prim}: input ${i} (shape ${fmtShape(t.shape)}, ${t.dtype}) lives on the ${device.device} device, but the active backend is ` +
          `${activeDevice() ?? "cpu/wasm"}; read it back with await t.data() or switch back with await ds.setBackend("${device.device}")`,
      );
    }
  }
}

/** Whether an application of `prim` to `inputs` goes on the tape (with recording on). */
function recorded(prim: Prim, inputs: Tensor[]): boolean {
  if (vjpRules[prim] === null) return false;
  for (let i = 0; i < inputs.length; i++) if (inputs[i]!.requiresGrad) return true;
  return false;
}

/** Puts a node on the tape for outputs of an application that recorded() accepted. */
function record(prim: Prim, inputs: Tensor[], params: PrimParams[Prim], outputs: Tensor[]): void {
  const node = new Node(prim, inputs, params, outputs);
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i]!;
    if (!isFloating(o.dtype)) continue;
    o.requiresGrad = true;
    o.gradFn = node;
    o.outputIndex = i;
  }
}
