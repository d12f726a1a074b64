// Bundles a page script of test/browser (entry.ts, webgpu-entry.ts) and the library under it for the browser with esbuild.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

/**
 * Writes an ESM bundle of test/browser/`<entry>`.ts to `outDir` as `<entry>`.js (plus chunks). package.json "browser" puts
 * browser twins in place of the Node host of the WASM kernels and the Node helpers (hostPlatform.ts,
 * node/index.ts, tensorboard/nodeFile.ts); the file helpers behind io and onnx are dynamic imports that
 * never run in a browser: `node:*` stays external and code splitting keeps those imports in chunks the
 * page never fetches (without splitting, esbuild would hoist them into entry.js and the page would fail to load).
 */
export async function bundleEntry(outDir: string, entry = "entry"): Promise<void> {
  await build({
    entryPoints: { [entry]: fileURLToPath(new URL(`./${entry}.ts`, import.meta.url)) },
    bundle: true,
    format: "esm",
    splitting: true,
    platform: "browser",
    target: "es2022",
    external: ["node:*"],
    outdir: outDir,
    logLevel: "silent",
  });
}
