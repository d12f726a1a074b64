/// <reference types="@webgpu/types" />
// The WebGPU backend: every primitive of the table mapped to its WGSL kernel (or to a clear error where it
// has none yet), tensors placed on the device by the factories, and the fused optimizer updates.
import type { Prim, PrimParams } from "../../autograd/prims.js";
import type { Backend, Kernel } from "../Backend.js";
import { makeView, type TensorView } from "../storage.js";
import type { Placement } from "../placement.js";
import type { FusedKernels } from "../fused.js";
import { viewStrides } from "../cpu/movement.js";
import { denseValues } from "../cpu/strided.js";
import { contiguousStrides, sizeOf, type GPULayout } from "./layout.js";
import type { WebGPUDevice } from "./device.js";
import { WebGPUBuffer, uploadView, viewOfLayout } from "./buffer.js";
import { binary, binaryCrossEntropy, cast, compare, contiguous, gelu, geluBackward, logicalNot, reluBackward, unary, where } from "./elementwise.js";
import { argReduce, reduce, softmax } from "./reduce.js";
import { linear, matmul } from "./matmul.js";
import { gather, indexSelect } from "./indexing.js";
import { copyInto, zerosLayout } from "./copy.js";
import { indexAdd, scatter, scatterAdd } from "./scatter.js";
import { conv, convTranspose, convWeight } from "./conv.js";
import { avgPool, avgPoolBackward, maxPool, maxPoolBackward } from "./pool.js";
import { layerNorm, layerNormBackward } from "./norm.js";
import { cumsum } from "./scan.js";
import { scaledDotProductAttention, scaledDotProductAttentionBackward } from "./attention.js";
import { adamStep, sgdStep } from "./optim.js";

/** A WGSL-backed kernel: device inputs (as layouts) → fresh device layout(s) or views of an input. */
type GpuKernel<P extends Prim> = (gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams[P], views: readonly TensorView[]) => GPULayout | TensorView | (GPULayout | TensorView)[];

const un = <P extends Prim>(prim: P & Parameters<typeof unary>[1]): GpuKernel<P> => (gpu, [x]) => unary(gpu, prim, x!);
const bin = <P extends Prim>(prim: P & Parameters<typeof binary>[1]): GpuKernel<P> => (gpu, [a, b]) => binary(gpu, prim, a!, b!);
const cmp = <P extends Prim>(prim: P & Parameters<typeof compare>[1]): GpuKernel<P> => (gpu, [a, b]) => compare(gpu, prim, a!, b!);
const red = <P extends "sum" | "prod" | "max" | "min">(prim: P): GpuKernel<P> => (gpu, [x], { dims, keepdim }) => reduce(gpu, prim, x!, dims, keepdim);

/** A view over an input's device storage (the movement primitives' result: no copy). */
function isView(v: GPULayout | TensorView): v is TensorView {
  return "storage" in v;
}

/**
 * The WGSL kernel of each primitive; null where there is none yet (the primitive then fails with an
 * error naming it). The mapped type makes a primitive added to the table without an entry here a
 * compile error.
 */
const kernels: { readonly [P in Prim]: GpuKernel<P> | null } = {
  neg: un("neg"), abs: un("abs"), exp: un("exp"), log: un("log"), log1p: un("log1p"), expm1: un("expm1"),
  sqrt: un("sqrt"), rsqrt: un("rsqrt"), sin: un("sin"), cos: un("cos"), tanh: un("tanh"), sigmoid: un("sigmoid"),
  relu: un("relu"), sign: un("sign"), floor: un("floor"), ceil: un("ceil"), round: un("round"), erf: un("erf"),
  add: bin("add"), sub: bin("sub"), mul: bin("mul"), div: bin("div"), pow: bin("pow"), maximum: bin("maximum"), minimum: bin("minimum"),
  eq: cmp("eq"), ne: cmp("ne"), lt: cmp("lt"), le: cmp("le"), gt: cmp("gt"), ge: cmp("ge"),
  logicalAnd: cmp("logicalAnd"), logicalOr: cmp("logicalOr"), logicalXor: cmp("logicalXor"),
  sum: red("sum"), prod: red("prod"), max: red("max"), min: red("min"),
  logicalNot: (gpu, [x]) => logicalNot(gpu, x!),
  where: (gpu, [c, a, b]) => where(gpu, c!, a!, b!),
  reluBackward: (gpu, [g, y]) => reluBackward(gpu, g!, y!),
  gelu: (gpu, [x]) => gelu(gpu, x!),
  geluBackward: (gpu, [g, x]) => geluBackward(gpu, g!, x!),
  binaryCrossEntropy: (gpu, [x, y]) => binaryCrossEntropy(gpu, x!, y!),
  argmax: (gpu, [x], { dim, keepdim }) => argReduce(gpu, true, x!, dim, keepdim),
  argmin: (gpu, [x], { dim, keepdim }) => argReduce(gpu, false, x!, dim, keepdim),
  logSoftmax: (gpu, [x], { dim }) => softmax(gpu, x!, dim, true),
  reshape: (gpu, [x], { shape }, [view]) => {
    const strides = viewStrides(view!, shape);
    if (strides) return makeView(view!.storage, shape, strides, view!.offset, view!.dtype);
    const copy = contiguous(gpu, x!);
    return { ...copy, shape: shape.slice(), strides: contiguousStrides(shape) };
  },
  permute: (_gpu, _x, params, views) => cpuLayout.permute(views, params) as TensorView,
  expand: (_gpu, _x, params, views) => cpuLayout.expand(views, params) as TensorView,
  slice: (_gpu, _x, params, views) => cpuLayout.slice(views, params) as TensorView,
  unslice: (gpu, [x], p) => {
    const out = zerosLayout(gpu, p.shape, x!.dtype, "unslice");
    copyInto(gpu, sliceLayout(out, p.starts, p.steps, x!.shape), x!, "unslice");
    return out;
  },
  contiguous: (gpu, [x]) => contiguous(gpu, x!),
  cast: (gpu, [x], { dtype }) => cast(gpu, x!, dtype),
  cat: (gpu, inputs, { dim }) => {
    const first = inputs[0]!;
    const shape = first.shape.slice();
    shape[dim] = inputs.reduce((s, t) => s + t.shape[dim]!, 0);
    const out = zerosLayout(gpu, shape, first.dtype, "cat");
    let at = 0;
    for (const t of inputs) {
      copyInto(gpu, { ...out, shape: t.shape, offset: at * out.strides[dim]! }, t, "cat");
      at += t.shape[dim]!;
    }
    return out;
  },
  gather: (gpu, [x, index], { dim }) => gather(gpu, x!, index!, dim),
  scatter: (gpu, inputs, p) => scatter(gpu, inputs, p),
  scatterAdd: (gpu, inputs, p) => scatterAdd(gpu, inputs, p),
  indexSelect: (gpu, [x, index], { dim }) => indexSelect(gpu, x!, index!, dim),
  indexAdd: (gpu, inputs, p) => indexAdd(gpu, inputs, p),
  linear: (gpu, [x, w, b]) => linear(gpu, x!, w!, b),
  matmul: (gpu, [a, b]) => matmul(gpu, a!, b!),
  nonzero: null, // its output size depends on the values: a readback per call
  layerNorm: (gpu, inputs, p) => layerNorm(gpu, inputs, p),
  layerNormBackward: (gpu, inputs, p) => layerNormBackward(gpu, inputs, p),
  lgamma: null, digamma: null, polygamma: null, standardGammaGrad: null, standardGammaReparam: null,
  cumsum: (gpu, inputs, p) => cumsum(gpu, inputs, p),
  maxPool: (gpu, inputs, p) => maxPool(gpu, inputs, p),
  maxPoolBackward: (gpu, inputs, p) => maxPoolBackward(gpu, inputs, p),
  avgPool: (gpu, inputs, p) => avgPool(gpu, inputs, p),
  avgPoolBackward: (gpu, inputs, p) => avgPoolBackward(gpu, inputs, p),
  conv: (gpu, inputs, p) => conv(gpu, inputs, p),
  convTranspose: (gpu, inputs, p) => convTranspose(gpu, inputs, p),
  convWeight: (gpu, inputs, p) => convWeight(gpu, inputs, p),
  unfold: null, fold: null,
  scaledDotProductAttention: (gpu, inputs, p) => scaledDotProductAttention(gpu, inputs, p),
  scaledDotProductAttentionBackward: (gpu, inputs, p) => scaledDotProductAttentionBackward(gpu, inputs, p),
  lstmRecurrence: null, lstmRecurrenceBackward: null, gruRecurrence: null, gruRecurrenceBackward: null,
  spmm: null, sddmm: null, scatterMax: null, segmentSoftmax: null,
  cholesky: null, inv: null, solve: null, det: null, slogdet: null, eigh: null, qr: null, svd: null,
};

/** The layout-only CPU kernels (permute, expand, slice compute strides; they read no values). */
let cpuLayout: Pick<Backend, "permute" | "expand" | "slice">;

/** The strided region of `out` that slice(starts, steps) selects, of `shape`. */
function sliceLayout(out: GPULayout, starts: readonly number[], steps: readonly number[], shape: readonly number[]): GPULayout {
  let offset = out.offset;
  const strides = out.strides.map((s, d) => s * steps[d]!);
  if (sizeOf(shape) > 0) out.strides.forEach((s, d) => (offset += starts[d]! * s));
  return { buffer: out.buffer, shape, strides, offset, dtype: out.dtype };
}

/** Primitives with a WGSL kernel (the rest fail on device tensors with an error naming them). */
export function webgpuPrimitives(): Prim[] {
  return (Object.keys(kernels) as Prim[]).filter((p) => kernels[p] !== null);
}

function describeView(v: TensorView): string {
  return `[${v.shape.join(", ")}] ${v.dtype}`;
}

/** The device layout of a device input, or an error when it belongs to another device or was released. */
function layoutOf(gpu: WebGPUDevice, prim: string, v: TensorView, i: number): GPULayout {
  const d = v.storage.device;
  if (!(d instanceof WebGPUBuffer)) throw new Error(`${prim}: input ${i} (${describeView(v)}) lives on the ${d?.device ?? "cpu"} device, not on WebGPU`);
  if (d.gpu !== gpu) {
    throw new Error(`${prim}: input ${i} (${describeView(v)}) lives on an earlier WebGPU device (${d.gpu.adapterName}) that setBackend("webgpu") replaced after it was lost; read it with await t.data() and create it again`);
  }
  if (d.released) throw new Error(`${prim}: input ${i} (${describeView(v)}) was disposed; its WebGPU buffer was released`);
  return { buffer: d.buffer, shape: v.shape, strides: v.strides, offset: v.offset, dtype: v.dtype };
}

/**
 * The backend table for `gpu`: each primitive runs its WGSL kernel when its inputs live on the device,
 * the `host` kernel when they all live in JavaScript memory (tensors made before the switch or inside
 * onHost), and otherwise fails naming the op and the devices. A 0-d host tensor (a number turned into a
 * tensor by an op) is uploaded, as PyTorch accepts CPU scalars in CUDA ops.
 */
export function webgpuBackend(gpu: WebGPUDevice, host: Backend): Backend {
  cpuLayout = host;
  const table = {} as Record<Prim, Kernel<Prim>>;
  for (const prim of Object.keys(kernels) as Prim[]) {
    const k = kernels[prim] as GpuKernel<Prim> | null;
    const hostKernel = host[prim] as Kernel<Prim>;
    table[prim] = (inputs, params) => {
      let onDevice = 0;
      for (let i = 0; i < inputs.length; i++) if (inputs[i]!.storage.device !== null) onDevice++;
      if (onDevice === 0) return hostKernel(inputs, params);
      if (k === null) {
        throw new Error(`${prim}: no WebGPU kernel yet; run this computation on the cpu or wasm backend (await ds.setBackend("wasm"), with tensors created there or read back with await t.data())`);
      }
      const views = onDevice === inputs.length ? inputs : inputs.map((v, i) => (v.storage.device !== null ? v : adoptScalar(gpu, prim, v, i, inputs)));
      const layouts = views.map((v, i) => layoutOf(gpu, prim, v, i));
      const out = k(gpu, layouts, params, views);
      if (Array.isArray(out)) return out.map((o) => (isView(o) ? o : viewOfLayout(gpu, o)));
      return isView(out) ? out : viewOfLayout(gpu, out);
    };
  }
  return table as unknown as Backend;
}

/** A 0-d host tensor used with device tensors, uploaded; any other host tensor is an error naming both devices. */
function adoptScalar(gpu: WebGPUDevice, prim: string, v: TensorView, i: number, inputs: readonly TensorView[]): TensorView {
  if (v.shape.length !== 0) {
    const other = inputs.findIndex((x) => x.storage.device !== null);
    throw new Error(
      `${prim}: input ${i} (${describeView(v)}) lives on the cpu while input ${other} (${describeView(inputs[other]!)}) lives on the webgpu device; ` +
        "create both while the webgpu backend is active, or move one with ds.toDevice(t) (to WebGPU) or await t.data() (back to the cpu)",
    );
  }
  const storage = uploadView(gpu, prim, v, denseValues(v));
  return makeView(storage, [], [], 0, v.dtype);
}

/** Tensor placement on `gpu`: factories upload what they made in host memory. */
export function webgpuPlacement(gpu: WebGPUDevice): Placement {
  return {
    device: "webgpu",
    upload: (op, view) => uploadView(gpu, op, view, denseValues(view)),
  };
}

const asLayout = (v: TensorView): GPULayout => {
  const d = v.storage.device as WebGPUBuffer;
  return { buffer: d.buffer, shape: v.shape, strides: v.strides, offset: v.offset, dtype: v.dtype };
};

/** The fused optimizer updates on device storage (WGSL, in place). */
export function webgpuFused(gpu: WebGPUDevice): Pick<FusedKernels, "adamDevice" | "sgdDevice"> {
  return {
    adamDevice: (p, g, m, v, vmax, step) => adamStep(gpu, asLayout(p), asLayout(g), asLayout(m), asLayout(v), vmax && asLayout(vmax), step),
    sgdDevice: (p, g, b, step) => sgdStep(gpu, asLayout(p), asLayout(g), b && asLayout(b), step),
  };
}
