// deepscript's public surface: re-exports only.
export { Tensor, Storage } from "./tensor/Tensor.js";
export type { Scalar, TensorLike, ReduceOptions, DimArg } from "./tensor/Tensor.js";
export type { DType, TypedArray } from "./tensor/dtype.js";
export { dtypes, promoteTypes, isFloating } from "./tensor/dtype.js";
export { Generator, manualSeed, defaultGenerator } from "./random/Generator.js";

export {
  tensor, toDevice, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, randint, randperm, randLike, randnLike, randintLike,
} from "./ops/creation.js";
export type { CreateOptions, RandomOptions, NestedArray } from "./ops/creation.js";
export {
  add, sub, mul, div, pow, maximum, minimum, neg, abs, exp, log, log1p, expm1, sqrt, rsqrt, square,
  reciprocal, sin, cos, tanh, sigmoid, relu, sign, floor, ceil, round, erf, clamp, eq, ne, lt, le, gt,
  ge, logicalAnd, logicalOr, logicalXor, logicalNot, cast,
} from "./ops/elementwise.js";
export { sum, mean, prod, max, min, amax, amin, argmax, argmin, variance as var, std, logsumexp, norm, cumsum, sumTo } from "./ops/reduce.js";
export type { ValuesIndices, VarOptions, DimOrOptions } from "./ops/reduce.js";
export {
  reshape, view, flatten, squeeze, unsqueeze, permute, transpose, expand, slice, narrow, select,
  contiguous, clone, cat, stack, split, chunk, flip, repeat, pad,
} from "./ops/movement.js";
export type { PadMode } from "./ops/movement.js";
export {
  indexSelect, index, gather, scatter, scatterAdd, indexAdd, where, maskedFill, maskedSelect, nonzero, oneHot,
} from "./ops/indexing.js";
export { matmul, mm, bmm, dot, outer } from "./ops/linalg.js";
export * as linalg from "./ops/linalg.js";
export { softmax, logSoftmax } from "./ops/softmax.js";
export { lgamma, digamma, polygamma } from "./ops/special.js";

export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from "./autograd/engine.js";
export { detectAnomaly, isAnomalyEnabled } from "./autograd/backward.js";
export type { BackwardOptions } from "./autograd/backward.js";
export { grad, valueAndGrad, vjp, jacobian, hessian, hvp } from "./autograd/functional.js";
export { gradcheck, gradgradcheck } from "./autograd/gradcheck.js";
export type { GradcheckOptions } from "./autograd/gradcheck.js";
export type { Prim } from "./autograd/prims.js";
export type { Backend, Kernel, TensorView, DeviceBuffer } from "./backend/Backend.js";
export { makeView, viewFromData } from "./backend/Backend.js";
export { useKernels, getBackend } from "./backend/registry.js";
export * as rl from "./rl/index.js";
export * as games from "./games/index.js";
export * as optimize from "./optimize/index.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export * as data from "./data/index.js";
export * as vision from "./vision/index.js";
export * as train from "./train/index.js";
export * as io from "./io/index.js";
export * as tensorboard from "./tensorboard/index.js";
export * as onnx from "./onnx/index.js";
export * as text from "./text/index.js";
export * as plot from "./plot/index.js";
export * as distributions from "./distributions/index.js";
export * as models from "./models/index.js";
export * as generative from "./generative/index.js";
export * as graph from "./graph/index.js";
export * as ppl from "./ppl/index.js";
export * as automl from "./automl/index.js";
export { setBackend, getBackendName, setNumThreads, getNumThreads, ready, webgpuAdapterInfo, synchronize } from "./backend/init.js";
export type { BackendName } from "./backend/init.js";
export type { WebGPUAdapterInfo } from "./backend/init.js";
