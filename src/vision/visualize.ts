// Looking inside a CNN: saliency maps (input gradients), image grids of first-layer filters
// (torchvision's make_grid), confusion matrices and their images, and PNG bytes of an image tensor.
import { Tensor } from "../tensor/Tensor.js";
import type { AnyModule } from "../nn/Module.js";
import { Module } from "../nn/Module.js";
import { tensor } from "../ops/creation.js";
import { valueAndGrad } from "../autograd/functional.js";
import { noGrad } from "../autograd/engine.js";
import { describe as describeValue } from "../tensor/validate.js";
import { fmtShape } from "../tensor/shape.js";
import { encodePng, storedDeflate, type Deflate } from "../tensorboard/png.js";
import { toHwcImage } from "../tensorboard/summary.js";

/** Class indices as an int32 tensor of length n: a number (the same class for all), a list or a tensor. */
function classIndices(op: string, target: number | readonly number[] | Tensor, n: number, numClasses: number): Tensor {
  const list = target instanceof Tensor ? (target.toList() as number[]) : typeof target === "number" ? new Array<number>(n).fill(target) : [...target];
  if (list.length !== n) throw new Error(`${op}: expected ${n} target classes (one per input), got ${list.length}`);
  list.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new Error(`${op}: target ${i} must be a class index in [0, ${numClasses}), got ${describeValue(c)}`);
  });
  return tensor(list, { dtype: "int32" });
}

/**
 * Saliency maps (Simonyan, Vedaldi & Zisserman 2013, arXiv:1312.6034): the largest absolute gradient
 * over channels of the target class's score with respect to each input pixel, |∂s_c/∂x| maxed over C.
 * `input` is (N, C, H, W); `target` is one class for all, one per input, or (default) each input's
 * predicted class. Returns (N, H, W). Parameter gradients are not touched; call `model.eval()` first
 * so that dropout and batch statistics do not enter the map.
 */
export function saliency(model: AnyModule, input: Tensor, target?: number | readonly number[] | Tensor): Tensor {
  if (!(model instanceof Module)) throw new Error(`saliency: model must be an nn.Module, got ${describeValue(model)}`);
  if (!(input instanceof Tensor) || input.ndim !== 4) throw new Error(`saliency: input must be an (N, C, H, W) tensor, got ${input instanceof Tensor ? fmtShape(input.shape) : describeValue(input)}`);
  const n = input.shape[0]!;
  let classes: Tensor | null = null;
  const score = (x: Tensor): Tensor => {
    const logits = model.call(x) as Tensor;
    if (!(logits instanceof Tensor) || logits.ndim !== 2 || logits.shape[0] !== n) {
      throw new Error(`saliency: the model must return (N, classes) scores for (N, C, H, W) input, got ${logits instanceof Tensor ? fmtShape(logits.shape) : describeValue(logits)}`);
    }
    classes = target === undefined ? noGrad(() => logits.argmax(1)) : classIndices("saliency", target, n, logits.shape[1]!);
    return logits.gather(1, classes.reshape([n, 1])).sum(); // Σ_i s_{c_i}(x_i): each input's gradient is its own
  };
  const [, g] = valueAndGrad(score)(input.detach());
  return noGrad(() => (g as Tensor).abs().amax(1)); // (N, C, H, W) → (N, H, W)
}

/**
 * Options of {@link makeGrid} (torchvision's `make_grid` arguments in camelCase): images per row, padding,
 * normalization to [0, 1] by a range or per image, and the padding value.
 */
export interface MakeGridOptions {
  /** Images per row (default 8). */
  nrow?: number;
  /** Pixels between and around images (default 2). */
  padding?: number;
  /** Shift and scale to [0, 1]: by `valueRange`, or by the min and max (of each image with `scaleEach`, else of all). Default false. */
  normalize?: boolean;
  valueRange?: readonly [number, number] | null;
  scaleEach?: boolean;
  /** Value of the padding (default 0). */
  padValue?: number;
}

/**
 * torchvision's `utils.make_grid`: lays a batch (B, C, H, W) of images out in rows of `nrow`, with
 * `padding` pixels between them; one-channel images become three equal channels. Returns (C', H', W')
 * (a single image comes back as it is, after normalization).
 */
export function makeGrid(images: Tensor, options: MakeGridOptions = {}): Tensor {
  if (!(images instanceof Tensor) || (images.ndim !== 3 && images.ndim !== 4)) {
    throw new Error(`makeGrid: expected a (B, C, H, W) batch or a (C, H, W) image, got ${images instanceof Tensor ? fmtShape(images.shape) : describeValue(images)}`);
  }
  const nrow = options.nrow ?? 8;
  const padding = options.padding ?? 2;
  if (!Number.isInteger(nrow) || nrow < 1) throw new Error(`makeGrid: nrow must be a positive integer, got ${describeValue(options.nrow)}`);
  if (!Number.isInteger(padding) || padding < 0) throw new Error(`makeGrid: padding must be a non-negative integer, got ${describeValue(options.padding)}`);
  let [B, C, H, W] = images.ndim === 4 ? images.shape as [number, number, number, number] : [1, ...images.shape] as [number, number, number, number];
  let data = Float64Array.from(images.contiguous().dataSync() as ArrayLike<number>);
  if (C === 1 && images.ndim === 4) {
    // single-channel images → three equal channels
    const rgb = new Float64Array(B * 3 * H * W);
    for (let b = 0; b < B; b++) for (let c = 0; c < 3; c++) rgb.set(data.subarray(b * H * W, (b + 1) * H * W), (b * 3 + c) * H * W);
    data = rgb;
    C = 3;
  }
  if (options.normalize) {
    const normRange = (from: number, to: number) => {
      let low: number, high: number;
      if (options.valueRange) [low, high] = options.valueRange;
      else {
        low = Infinity; high = -Infinity;
        for (let i = from; i < to; i++) { low = Math.min(low, data[i]!); high = Math.max(high, data[i]!); }
      }
      const scale = Math.max(high - low, 1e-5);
      for (let i = from; i < to; i++) data[i] = (Math.min(high, Math.max(low, data[i]!)) - low) / scale;
    };
    const per = C * H * W;
    if (options.scaleEach) for (let b = 0; b < B; b++) normRange(b * per, (b + 1) * per);
    else normRange(0, data.length);
  }
  if (B === 1) return tensor(data, { dtype: images.dtype, shape: [C, H, W] });
  const xmaps = Math.min(nrow, B);
  const ymaps = Math.ceil(B / xmaps);
  const cellH = H + padding, cellW = W + padding;
  const GH = cellH * ymaps + padding, GW = cellW * xmaps + padding;
  const grid = new Float64Array(C * GH * GW).fill(options.padValue ?? 0);
  for (let k = 0; k < B; k++) {
    const y0 = Math.floor(k / xmaps) * cellH + padding, x0 = (k % xmaps) * cellW + padding;
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < H; i++) {
        const src = ((k * C + c) * H + i) * W;
        grid.set(data.subarray(src, src + W), (c * GH + y0 + i) * GW + x0);
      }
    }
  }
  return tensor(grid, { dtype: images.dtype, shape: [C, GH, GW] });
}

/**
 * The filters of a convolution weight (out, in, kH, kW) as one image grid: filters with 1 or 3 input
 * channels are shown as gray or RGB images; others as the mean over their input channels. Each filter
 * is scaled to [0, 1] by its own min and max (torchvision's `normalize`, `scaleEach`); default 8 per row,
 * padding 1.
 */
export function filterGrid(weight: Tensor, options: Omit<MakeGridOptions, "normalize" | "scaleEach" | "valueRange"> = {}): Tensor {
  if (!(weight instanceof Tensor) || weight.ndim !== 4) throw new Error(`filterGrid: expected a 2-D convolution weight (out, in, kH, kW), got ${weight instanceof Tensor ? fmtShape(weight.shape) : describeValue(weight)}`);
  const w = weight.detach();
  const images = w.shape[1] === 1 || w.shape[1] === 3 ? w : w.mean(1, true); // (out, in, kH, kW) → (out, 1, kH, kW)
  return makeGrid(images, { padding: 1, ...options, normalize: true, scaleEach: true });
}

/**
 * Counts of (true class, predicted class) pairs: a (K, K) int32 tensor whose row i, column j counts
 * inputs of class i predicted as j (scikit-learn's `confusion_matrix` layout).
 */
export function confusionMatrix(predictions: Tensor | readonly number[], targets: Tensor | readonly number[], numClasses: number): Tensor {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`confusionMatrix: numClasses must be a positive integer, got ${describeValue(numClasses)}`);
  const pred = predictions instanceof Tensor ? (predictions.toList() as number[]) : [...predictions];
  const truth = targets instanceof Tensor ? (targets.toList() as number[]) : [...targets];
  if (pred.length !== truth.length) throw new Error(`confusionMatrix: ${pred.length} predictions but ${truth.length} targets`);
  const counts = new Int32Array(numClasses * numClasses);
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i]!, t = truth[i]!;
    for (const [what, c] of [["prediction", p], ["target", t]] as const) {
      if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new Error(`confusionMatrix: ${what} ${i} must be a class index in [0, ${numClasses}), got ${describeValue(c)}`);
    }
    counts[t * numClasses + p]!++;
  }
  return tensor(counts, { dtype: "int32", shape: [numClasses, numClasses] });
}

/** The colour of a cell with value 0 (white) and 1 (matplotlib's darkest "Blues", #08306b). */
const WHITE = [1, 1, 1];
const DARK_BLUE = [8 / 255, 48 / 255, 107 / 255];

/**
 * A confusion matrix as an RGB image (3, K·cellSize, K·cellSize): each row is divided by its sum
 * (the fraction of class i predicted as j) and drawn from white (0) to dark blue (1); rows with no
 * examples stay white. Gray one-pixel lines separate the cells when cellSize ≥ 4.
 */
export function confusionMatrixImage(matrix: Tensor, options: { cellSize?: number } = {}): Tensor {
  if (!(matrix instanceof Tensor) || matrix.ndim !== 2 || matrix.shape[0] !== matrix.shape[1]) {
    throw new Error(`confusionMatrixImage: expected a square (K, K) matrix, got ${matrix instanceof Tensor ? fmtShape(matrix.shape) : describeValue(matrix)}`);
  }
  const cell = options.cellSize ?? 16;
  if (!Number.isInteger(cell) || cell < 1) throw new Error(`confusionMatrixImage: cellSize must be a positive integer, got ${describeValue(options.cellSize)}`);
  const K = matrix.shape[0]!;
  const m = matrix.toList() as number[];
  const side = K * cell;
  const img = new Float32Array(3 * side * side);
  for (let i = 0; i < K; i++) {
    let rowSum = 0;
    for (let j = 0; j < K; j++) rowSum += m[i * K + j]!;
    for (let j = 0; j < K; j++) {
      const v = rowSum > 0 ? m[i * K + j]! / rowSum : 0;
      for (let c = 0; c < 3; c++) {
        const color = WHITE[c]! + (DARK_BLUE[c]! - WHITE[c]!) * v;
        for (let y = 0; y < cell; y++) {
          for (let x = 0; x < cell; x++) {
            const border = cell >= 4 && (y === cell - 1 || x === cell - 1);
            img[(c * side + i * cell + y) * side + j * cell + x] = border ? 0.75 : color;
          }
        }
      }
    }
  }
  return tensor(img, { dtype: "float32", shape: [3, side, side] });
}

/**
 * PNG bytes of an image tensor: (C, H, W) with 1, 3 or 4 channels, or (H, W); floats in [0, 1] are
 * scaled to bytes as torch's tensorboard does (×255, clipped, truncated). `deflate` compresses (Node's
 * `zlib.deflateSync`; default: stored blocks, valid but uncompressed). `node.savePng` writes a file.
 */
export function imagePng(image: Tensor, options: { deflate?: Deflate } = {}): Uint8Array {
  if (!(image instanceof Tensor) || (image.ndim !== 2 && image.ndim !== 3)) throw new Error(`imagePng: expected a (C, H, W) or (H, W) image, got ${image instanceof Tensor ? fmtShape(image.shape) : describeValue(image)}`);
  const hwc = toHwcImage(image, image.ndim === 2 ? "HW" : "CHW");
  return encodePng(hwc.pixels, hwc.height, hwc.width, hwc.channels, options.deflate ?? storedDeflate);
}
