// Seeded synthetic image-to-image data: outlines of random circles, rectangles and triangles paired with the filled shapes.
import { Tensor } from "../tensor/Tensor.js";
import { describe } from "../tensor/validate.js";
import { Generator } from "../random/Generator.js";

/** Options of `shapePairs`: image size, channels, shapes per image and the random source. */
export interface ShapePairsOptions {
  /** Height and width of the images (default 32). */
  size?: number;
  /** 1 (grey: background −1, shape +1) or 3 (each shape gets a random colour; background −1) (default 1). */
  channels?: 1 | 3;
  /** Shapes per image, drawn uniformly from 1 … maxShapes (default 1); later shapes cover earlier ones. */
  maxShapes?: number;
  /** Random source (default: a Generator seeded with 0). */
  generator?: Generator;
}

/** What `shapePairs` returns: the inputs (outlines) and the targets (filled shapes) of each pair. */
export interface ShapePairs {
  /** Outlines [N, C, size, size]: the pixels of each shape with a 4-neighbour outside it, values in [−1, 1]. */
  edges: Tensor;
  /** The same shapes filled [N, C, size, size], values in [−1, 1]. */
  filled: Tensor;
}

type Inside = (x: number, y: number) => boolean;

function randomShape(rng: Generator, s: number): Inside {
  const kind = rng.randint(0, 3);
  if (kind === 0) { // circle
    const r = rng.uniform(0.15 * s, 0.3 * s);
    const cx = rng.uniform(r + 1, s - r - 1), cy = rng.uniform(r + 1, s - r - 1);
    return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  }
  if (kind === 1) { // axis-aligned rectangle
    const w = rng.uniform(0.25 * s, 0.6 * s), h = rng.uniform(0.25 * s, 0.6 * s);
    const x0 = rng.uniform(1, s - w - 1), y0 = rng.uniform(1, s - h - 1);
    return (x, y) => x >= x0 && x <= x0 + w && y >= y0 && y <= y0 + h;
  }
  // triangle with area ≥ s²/12, vertices inside a 1-pixel margin
  let p: number[];
  for (;;) {
    p = Array.from({ length: 6 }, () => rng.uniform(1, s - 1));
    const area2 = Math.abs((p[2]! - p[0]!) * (p[5]! - p[1]!) - (p[4]! - p[0]!) * (p[3]! - p[1]!));
    if (area2 >= (s * s) / 6) break;
  }
  const [ax, ay, bx, by, cx, cy] = p as [number, number, number, number, number, number];
  const side = (x1: number, y1: number, x2: number, y2: number, x: number, y: number) => (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
  return (x, y) => {
    const d1 = side(ax, ay, bx, by, x, y), d2 = side(bx, by, cx, cy, x, y), d3 = side(cx, cy, ax, ay, x, y);
    return (d1 >= 0 && d2 >= 0 && d3 >= 0) || (d1 <= 0 && d2 <= 0 && d3 <= 0);
  };
}

/**
 * `n` pairs (edge map, filled shapes) for image-to-image translation (Pix2Pix's "edges → objects" on a
 * small scale): each image holds 1 … maxShapes random circles, rectangles or triangles, rasterized at
 * pixel centres; the edge map draws each shape's boundary pixels in its colour, the target fills it.
 * The same generator state gives the same images.
 */
export function shapePairs(n: number, options: ShapePairsOptions = {}): ShapePairs {
  const op = "shapePairs";
  if (!Number.isInteger(n) || n < 1) throw new Error(`${op}: n must be a positive integer, got ${describe(n)}`);
  const s = options.size ?? 32, c = options.channels ?? 1, maxShapes = options.maxShapes ?? 1;
  if (!Number.isInteger(s) || s < 8) throw new Error(`${op}: size must be an integer ≥ 8, got ${describe(s)}`);
  if (c !== 1 && c !== 3) throw new Error(`${op}: channels must be 1 or 3, got ${describe(c)}`);
  if (!Number.isInteger(maxShapes) || maxShapes < 1) throw new Error(`${op}: maxShapes must be a positive integer, got ${describe(maxShapes)}`);
  const rng = options.generator ?? new Generator(0);
  const plane = s * s, edges = new Float32Array(n * c * plane).fill(-1), filled = new Float32Array(n * c * plane).fill(-1);
  const mask = new Uint8Array(plane);
  for (let k = 0; k < n; k++) {
    const count = 1 + rng.randint(0, maxShapes);
    for (let j = 0; j < count; j++) {
      const inside = randomShape(rng, s);
      const colour = c === 1 ? [1] : [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)];
      if (c === 3) colour[rng.randint(0, 3)] = 1; // keep every colour away from the black background
      for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) mask[y * s + x] = inside(x + 0.5, y + 0.5) ? 1 : 0;
      for (let y = 0; y < s; y++) {
        for (let x = 0; x < s; x++) {
          if (!mask[y * s + x]) continue;
          const edge = x === 0 || y === 0 || x === s - 1 || y === s - 1 || !mask[y * s + x - 1] || !mask[y * s + x + 1] || !mask[(y - 1) * s + x] || !mask[(y + 1) * s + x];
          for (let ch = 0; ch < c; ch++) {
            const i = (k * c + ch) * plane + y * s + x;
            filled[i] = colour[ch]!;
            edges[i] = edge ? colour[ch]! : -1; // a later shape hides the outlines it covers
          }
        }
      }
    }
  }
  return { edges: Tensor.fromData(edges, [n, c, s, s], "float32"), filled: Tensor.fromData(filled, [n, c, s, s], "float32") };
}
