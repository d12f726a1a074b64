// Decodes PNG and JPEG files into 8-bit pixels through the pngjs and jpeg-js packages (Node only: pngjs uses node:zlib).
import { readFileSync } from "node:fs";
import pngjs from "pngjs";
import jpeg from "jpeg-js";

/** Decoded 8-bit pixels, row-major, `channels` (3: RGB) values per pixel. */
export interface DecodedImage {
  width: number;
  height: number;
  channels: 3;
  data: Uint8Array;
}

/** The format of an image file from its first bytes (its signature), or null when neither PNG nor JPEG. */
export function imageFormat(bytes: Uint8Array): "png" | "jpeg" | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  return null;
}

/** Keeps R, G, B of RGBA pixels (alpha is dropped, as PIL's convert("RGB") does). */
function rgbaToRgb(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) {
    rgb[p] = rgba[q]!;
    rgb[p + 1] = rgba[q + 1]!;
    rgb[p + 2] = rgba[q + 2]!;
  }
  return rgb;
}

/**
 * Reads a PNG or JPEG file (told apart by its signature, not its name) as 8-bit RGB pixels: grey
 * images are repeated over three channels, alpha is dropped, 16-bit PNGs are scaled to 8 bits.
 * Errors name `op` and the path.
 */
export function readImageFile(path: string, op = "readImageFile"): DecodedImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new Error(`${op}: cannot read image ${JSON.stringify(path)}: ${code === "ENOENT" ? "it does not exist" : (e as Error).message}`, { cause: e });
  }
  const format = imageFormat(bytes);
  try {
    if (format === "png") {
      const png = pngjs.PNG.sync.read(bytes as Buffer); // always RGBA, 8 bits
      return { width: png.width, height: png.height, channels: 3, data: rgbaToRgb(png.data, png.width, png.height) };
    }
    if (format === "jpeg") {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
      return { width: img.width, height: img.height, channels: 3, data: rgbaToRgb(img.data, img.width, img.height) };
    }
  } catch (e) {
    throw new Error(`${op}: cannot decode ${format === "png" ? "PNG" : "JPEG"} image ${JSON.stringify(path)}: ${(e as Error).message}`, { cause: e });
  }
  throw new Error(`${op}: ${JSON.stringify(path)} is neither a PNG nor a JPEG file (its first bytes are not either signature)`);
}
