// Node adapter for images: writes an image tensor as a zlib-compressed PNG file (vision.imagePng encodes it).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { deflateSync } from "node:zlib";
import type { Tensor } from "../tensor/Tensor.js";
import { imagePng } from "../vision/visualize.js";

/** Writes `image` ((C, H, W) or (H, W), floats in [0, 1]) to `path` as a PNG, creating parent folders; returns the path. */
export function savePng(path: string, image: Tensor): string {
  const bytes = imagePng(image, { deflate: (data) => deflateSync(data) });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}
