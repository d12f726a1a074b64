// The core runs unchanged in browsers: no Node-only module is imported by it (Node pieces live behind
// adapters in src/node, src/io's node adapter and src/backend/wasm/nodePlatform.ts).
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Node adapters that live beside the code they serve (each is the only file that touches Node). */
const ADAPTERS = new Set(["src/plot/savePlot.ts"]);
const CORE = ["src/tensor", "src/autograd", "src/ops", "src/nn", "src/optim", "src/random", "src/backend/cpu", "src/data", "src/vision", "src/rl", "src/games", "src/optimize", "src/plot"];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("portability", () => {
  it("core modules import no Node-only API", () => {
    const offenders = CORE.flatMap(files).filter((f) => !ADAPTERS.has(f)).filter((f) => {
      const text = readFileSync(f, "utf8");
      return /from\s+["']node:|import\(\s*["']node:|require\(|\bprocess\.(env|argv|exit)|from\s+["'](fs|path|os|worker_threads|child_process)["']/.test(text);
    });
    expect(offenders).toEqual([]);
  });
});
