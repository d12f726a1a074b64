// Node adapter for the SVG plots: writes an SVG string to a file (kept out of svg.ts so that stays browser-safe).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Writes `svg` to `path`, creating parent folders; returns the path. */
export function savePlot(path: string, svg: string): string {
  if (!svg.trimStart().startsWith("<svg")) {
    throw new Error(`savePlot: expected an SVG document for ${path}, got text starting with "${svg.slice(0, 20)}"`);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg, "utf8");
  return path;
}
