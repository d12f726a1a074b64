// Image grids for generated samples (torchvision's make_grid) and their PNG bytes.
import { Tensor } from "../tensor/Tensor.js";
import { fmtShape } from "../tensor/shape.js";
import { describe } from "../tensor/validate.js";
import { encodePng, storedDeflate, type Deflate } from "../tensorboard/png.js";

/**
 * Options of {@link makeGrid} (as torchvision's `make_grid`): images per row, padding and the padding value.
 */
export interface MakeGridOptions {
  /** Images per row (default 8). */
  nrow?: number;
  /** Pixels between images and around the grid (default 2). */
  padding?: number;
  /** Value of the padding pixels (default 0). */
  padValue?: number;
}

/**
 * Tiles a batch [N, C, H, W] into one image [C, rows·(H + p) + p, nrow·(W + p) + p], row-major, as
 * torchvision.utils.make_grid (without normalization; values are kept as given).
 */
export function makeGrid(images: Tensor, options: MakeGridOptions = {}): Tensor {
  if (!(images instanceof Tensor) || images.ndim !== 4 || images.shape[0] === 0) {
    throw new Error(`makeGrid: images must be a batch [N, C, H, W] with N ≥ 1, got ${images instanceof Tensor ? fmtShape(images.shape) : describe(images)}`);
  }
  const [n, c, h, w] = images.shape as [number, number, number, number];
  const nrow = options.nrow ?? 8, pad = options.padding ?? 2, padValue = options.padValue ?? 0;
  if (!Number.isInteger(nrow) || nrow < 1) throw new Error(`makeGrid: nrow must be a positive integer, got ${describe(nrow)}`);
  if (!Number.isInteger(pad) || pad < 0) throw new Error(`makeGrid: padding must be a non-negative integer, got ${describe(pad)}`);
  const cols = Math.min(nrow, n), rows = Math.ceil(n / cols);
  const H = rows * (h + pad) + pad, W = cols * (w + pad) + pad;
  const src = images.contiguous().dataSync();
  const out = new Float32Array(c * H * W).fill(padValue);
  for (let k = 0; k < n; k++) {
    const top = Math.floor(k / cols) * (h + pad) + pad, left = (k % cols) * (w + pad) + pad;
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) out[ch * H * W + (top + y) * W + left + x] = Number(src[((k * c + ch) * h + y) * w + x]);
      }
    }
  }
  return Tensor.fromData(out, [c, H, W], "float32");
}

/** PNG bytes of an image [C, H, W] (C = 1 or 3) with values in [0, 1] (clamped, rounded to 8 bits). */
export function imageToPng(image: Tensor, deflate: Deflate = storedDeflate): Uint8Array {
  if (!(image instanceof Tensor) || image.ndim !== 3 || (image.shape[0] !== 1 && image.shape[0] !== 3)) {
    throw new Error(`imageToPng: image must be [C, H, W] with C = 1 or 3, got ${image instanceof Tensor ? fmtShape(image.shape) : describe(image)}`);
  }
  const [c, h, w] = image.shape as [number, number, number];
  const src = image.contiguous().dataSync();
  const pixels = new Uint8Array(c * h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) pixels[(y * w + x) * c + ch] = Math.round(255 * Math.min(1, Math.max(0, Number(src[(ch * h + y) * w + x]))));
    }
  }
  return encodePng(pixels, h, w, c, deflate);
}
