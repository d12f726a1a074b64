// The WebGPU kernels and device layer, over plain layouts (buffer, shape, strides, offset, dtype); the
// backend seam wires them to the primitive table.
export { requestWebGPUDevice, WebGPUDevice, bucketSize, grid } from "./device.js";
export type { WebGPUAdapterSummary, WebGPUDeviceOptions, WebGPUDType } from "./device.js";
export { allocateLayout, uploadLayout, contiguousStrides, isContiguous, type GPULayout } from "./layout.js";
export { unary, binary, compare, logicalNot, where, reluBackward, binaryCrossEntropy, cast, contiguous } from "./elementwise.js";
export { reduce, softmax, argReduce, type WebGPUReduceOp } from "./reduce.js";
export { matmul, linear } from "./matmul.js";
export { gather, indexSelect } from "./indexing.js";
export { adamStep, sgdStep, type WebGPUAdamStep, type WebGPUSgdStep } from "./optim.js";
export type { WebGPUKernel } from "./kernel.js";
export { conv, convTranspose, convWeight } from "./conv.js";
export { maxPool, maxPoolBackward, avgPool, avgPoolBackward } from "./pool.js";
export { layerNorm, layerNormBackward } from "./norm.js";
export { cat, slice, unslice, copyInto, zeroFill } from "./movement.js";
export { scatter, scatterAdd, indexAdd } from "./scatter.js";
export { cumsum } from "./scan.js";
export { scaledDotProductAttention, scaledDotProductAttentionBackward } from "./attention.js";
