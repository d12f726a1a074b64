// The course's "convolution is a matrix product": the doubly-block Toeplitz matrix T of a 2-D
// convolution, built by nn.functional.toeplitz2d, multiplies the flattened image to give the
// convolution's output; its transpose gives the transposed convolution (the convolution's gradient).
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { randn, tensor } from "../ops/creation.js";
import { conv2d, convTranspose2d, toeplitz2d } from "../ops/conv.js";
import { matmul } from "../ops/linalg.js";
import { noGrad } from "../autograd/engine.js";
import { Generator } from "../random/Generator.js";
import { savePng } from "../node/savePng.js";
import { FashionMNIST } from "../data/IdxImageDataset.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./Experiment.js";

/** Defaults: the convolutions compared (all on one Fashion-MNIST image, float64). */
export const config = {
  /** Side of the (centre-cropped) input image. */
  size: 12,
  /** The convolutions: kernel, output channels, stride, padding, dilation. */
  cases: [
    { name: "3x3", kernel: 3, outChannels: 1, stride: 1, padding: 0, dilation: 1 },
    { name: "3x3-pad1", kernel: 3, outChannels: 1, stride: 1, padding: 1, dilation: 1 },
    { name: "3x3-stride2", kernel: 3, outChannels: 2, stride: 2, padding: 1, dilation: 1 },
    { name: "3x3-dilation2", kernel: 3, outChannels: 1, stride: 1, padding: 2, dilation: 2 },
  ],
};

const maxAbs = (a: Tensor, b: Tensor): number => noGrad(() => a.sub(b).abs().max().item() as number);

/** The Toeplitz matrix's structure as an image: white where an entry is a weight, black where it is a structural zero. */
function structureImage(T: Tensor): Tensor {
  const data = T.dataSync();
  const pixels = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) pixels[i] = data[i] !== 0 ? 1 : 0;
  return tensor(pixels, { dtype: "float32", shape: [T.shape[0]!, T.shape[1]!] });
}

/**
 * For each convolution of `config.cases` on a size×size crop of the first Fashion-MNIST test image
 * (float64, random N(0, 1) weights): builds T = toeplitz2d(weight, [1, size, size]), compares
 * T·vec(x) with conv2d(x) and Tᵀ·vec(y) with convTranspose2d(y) for a random y, and writes an image
 * of T's non-zero pattern (toeplitz-<case>.png: the block-Toeplitz structure, one band per kernel
 * row). Metrics: `maxAbsError` and `maxAbsErrorTranspose` (largest over the cases), and per case its
 * matrix shape and density (non-zero fraction).
 */
export function runConvToeplitz(opts: ExperimentOptions, size = config.size): ExperimentResult {
  const g = new Generator(opts.seed);
  const image = new FashionMNIST({ train: false }).getBatch([0])[0]!; // (1, 1, 28, 28)
  const off = Math.floor((28 - size) / 2);
  const x = image.narrow(2, off, size).narrow(3, off, size).reshape([1, size, size]).to("float64");
  let maxAbsError = 0, maxAbsErrorTranspose = 0;
  const cases: Record<string, unknown>[] = [];
  for (const c of config.cases) {
    const weight = randn([c.outChannels, 1, c.kernel, c.kernel], { dtype: "float64", generator: g });
    const options = { stride: c.stride, padding: c.padding, dilation: c.dilation };
    const T = toeplitz2d(weight, [1, size, size], options);
    const y = conv2d(x, weight, null, options); // (Cout, oH, oW)
    const viaMatrix = matmul(T, x.reshape([-1]));
    const err = maxAbs(viaMatrix, y.reshape([-1]));
    // Transposed convolution = multiplication by Tᵀ (what backpropagation through conv2d does to x).
    const g2 = randn(y.shape, { dtype: "float64", generator: g });
    const outputPadding = (size + 2 * c.padding - c.dilation * (c.kernel - 1) - 1) % c.stride;
    const back = convTranspose2d(g2.reshape([1, ...y.shape]), weight, null, { ...options, outputPadding }).reshape([-1]);
    const errT = maxAbs(matmul(T.transpose(0, 1), g2.reshape([-1])), back);
    maxAbsError = Math.max(maxAbsError, err);
    maxAbsErrorTranspose = Math.max(maxAbsErrorTranspose, errT);
    const nonZero = Array.from(T.dataSync()).filter((v) => v !== 0).length;
    const density = nonZero / T.size;
    savePng(join(opts.outDir, `toeplitz-${c.name}.png`), structureImage(T));
    opts.log(`${c.name}: T is ${T.shape[0]} x ${T.shape[1]} (${(density * 100).toFixed(1)} % non-zero); |T·x − conv2d(x)| ≤ ${err.toExponential(2)}, |Tᵀ·y − convTranspose2d(y)| ≤ ${errT.toExponential(2)}`);
    cases.push({ ...c, rows: T.shape[0], cols: T.shape[1], density, maxAbsError: err, maxAbsErrorTranspose: errT });
  }
  writeFileSync(join(opts.outDir, "cases.json"), JSON.stringify(cases, null, 2));
  savePng(join(opts.outDir, "input.png"), x.to("float32"));
  return { maxAbsError, maxAbsErrorTranspose, cases: cases.length, size };
}

export const experiment: Experiment = {
  name: "conv-toeplitz",
  config,
  description: "2-D convolution as a matrix product: the doubly-block Toeplitz matrix equals conv2d, its transpose convTranspose2d",
  chapter: "CNNs",
  options: {
    size: { description: "side of the centre-cropped input image", default: config.size },
  },
  quick: { size: 6 },
  run: (opts) => runConvToeplitz(opts, opts.params?.size ?? config.size),
};
