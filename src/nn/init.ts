// Weight initializers (PyTorch's torch.nn.init, camelCase): each fills a tensor in place and returns it.
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { noGrad } from "../autograd/engine.js";
import { onHost } from "../backend/placement.js";
import { rand, randn } from "../ops/creation.js";
import { qr } from "../ops/linalg.js";
import { defaultGenerator, type Generator } from "../random/Generator.js";

/**
 * The nonlinearity a gain is computed for (PyTorch's `nonlinearity` argument of `calculate_gain`, in
 * camelCase).
 */
export type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "sigmoid" | "tanh" | "relu" | "leakyRelu" | "selu";

/** Options of the random initializers: the generator to draw from. */
export interface InitOptions {
  /** Random source (the seeded default generator otherwise). */
  generator?: Generator;
}

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain`): 1 for linear/conv/sigmoid,
 * 5/3 for tanh, √2 for ReLU, √(2 / (1 + a²)) for leaky ReLU with slope a (default 0.01), 3/4 for SELU.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leakyRelu": {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
  }
}

/** fan_in = size(1)·receptive field, fan_out = size(0)·receptive field (receptive = product of dims ≥ 2). */
export function calculateFanInAndFanOut(tensor: Tensor): { fanIn: number; fanOut: number } {
  if (tensor.ndim < 2) {
    throw new Error(`init: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape ${fmtShape(tensor.shape)})`);
  }
  let receptive = 1;
  for (let i = 2; i < tensor.ndim; i++) receptive *= tensor.shape[i]!;
  return { fanIn: tensor.shape[1]! * receptive, fanOut: tensor.shape[0]! * receptive };
}

function fill(tensor: Tensor, values: Tensor): Tensor {
  return noGrad(() => tensor.copy_(values));
}

/** Fills with U(low, high). */
export function uniform(tensor: Tensor, low = 0, high = 1, options: InitOptions = {}): Tensor {
  // drawn and scaled in float64 on the host (also on a GPU backend), then copied into the tensor
  const u = onHost(() => rand(tensor.shape, { dtype: "float64", generator: options.generator }).mul(high - low).add(low));
  return fill(tensor, u);
}

/** Fills with N(mean, std²). */
export function normal(tensor: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  const z = onHost(() => randn(tensor.shape, { dtype: "float64", generator: options.generator }).mul(std).add(mean));
  return fill(tensor, z);
}

/**
 * Fills with N(mean, std²) truncated to [a, b] by rejection (each value redrawn until it lands inside).
 */
export function truncNormal(tensor: Tensor, mean = 0, std = 1, a = -2, b = 2, options: InitOptions = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  const values = new Float64Array(tensor.size);
  for (let i = 0; i < values.length; i++) {
    let v: number;
    do v = g.normal(mean, std);
    while (v < a || v > b);
    values[i] = v;
  }
  return fill(tensor, Tensor.fromData(values, tensor.shape, "float64"));
}

/** Fills with a constant. */
export function constant(tensor: Tensor, value: number): Tensor {
  return noGrad(() => tensor.fill_(value));
}
/** Fills `tensor` with zeros in place, outside the autograd tape, and returns it (`torch.nn.init.zeros_`). */
export const zeros = (tensor: Tensor): Tensor => constant(tensor, 0);
/** Fills `tensor` with ones in place, outside the autograd tape, and returns it (`torch.nn.init.ones_`). */
export const ones = (tensor: Tensor): Tensor => constant(tensor, 1);

/** The identity matrix for a 2-D tensor (PyTorch's `eye_`). */
export function eye(tensor: Tensor): Tensor {
  if (tensor.ndim !== 2) throw new Error(`init.eye: expects a 2-D tensor, got shape ${fmtShape(tensor.shape)}`);
  const [n, m] = tensor.shape as [number, number];
  return noGrad(() => {
    tensor.zero_();
    for (let i = 0; i < Math.min(n, m); i++) tensor.select(0, i).select(0, i).fill_(1);
    return tensor;
  });
}

/** Xavier/Glorot uniform: U(−a, a) with a = gain·√(6 / (fan_in + fan_out)). Glorot & Bengio (2010). */
export function xavierUniform(tensor: Tensor, options: InitOptions & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const a = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(tensor, -a, a, options);
}

/** Xavier/Glorot normal: N(0, std²) with std = gain·√(2 / (fan_in + fan_out)). */
export function xavierNormal(tensor: Tensor, options: InitOptions & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  return normal(tensor, 0, (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), options);
}

/**
 * Options of the Kaiming (He et al. 2015) initializers `kaimingUniform` and `kaimingNormal`: the leaky-ReLU
 * slope `a`, the fan mode and the nonlinearity whose gain scales the std.
 */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (used only with "leakyRelu"); default 0. */
  a?: number;
  /** "fanIn" preserves the forward variance, "fanOut" the backward one; default "fanIn". */
  mode?: "fanIn" | "fanOut";
  /** Default "leakyRelu" (with a = 0 that is ReLU's gain √2), as PyTorch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(tensor: Tensor, options: KaimingOptions): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const fan = (options.mode ?? "fanIn") === "fanIn" ? fanIn : fanOut;
  const gain = calculateGain(options.nonlinearity ?? "leakyRelu", options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** He/Kaiming uniform: U(−b, b) with b = gain·√(3 / fan). He et al. (2015), arXiv:1502.01852. */
export function kaimingUniform(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(tensor, options);
  return uniform(tensor, -bound, bound, options);
}

/** He/Kaiming normal: N(0, std²) with std = gain / √fan. */
export function kaimingNormal(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(tensor, 0, kaimingStd(tensor, options), options);
}

/**
 * A (semi-)orthogonal matrix times `gain` (Saxe et al. 2013, arXiv:1312.6120): the Q factor of a
 * Gaussian matrix with the signs of diag(R) folded in, so Q is Haar-distributed. Tensors with more than
 * two dims are flattened to (size(0), rest).
 */
export function orthogonal(tensor: Tensor, options: InitOptions & { gain?: number } = {}): Tensor {
  if (tensor.ndim < 2) throw new Error(`init.orthogonal: only tensors with 2 or more dimensions are supported, got shape ${fmtShape(tensor.shape)}`);
  const rows = tensor.shape[0]!;
  const cols = tensor.size / rows;
  const q = onHost(() => {
    const flat = randn([rows, cols], { dtype: "float64", generator: options.generator });
    const a = rows < cols ? flat.t() : flat;
    const { Q, R } = qr(a.contiguous());
    // Q · diag(sign(diag R)): makes the decomposition unique, hence Q uniformly distributed.
    const k = R.shape[0]!;
    const signs = R.flatten().index(Array.from({ length: k }, (_, i) => i * R.shape[1]! + i)).sign();
    const q = Q.mul(signs);
    return (rows < cols ? q.t() : q).mul(options.gain ?? 1).reshape(tensor.shape);
  });
  return fill(tensor, q);
}
