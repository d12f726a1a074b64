// Builds the playground: each page's script (web/src/<page>.ts, importing deepscript from src/ as an
// application would) bundled by esbuild, plus the HTML pages, the style sheet and the assets.
import { build } from "esbuild";
import { cp, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const WEB = fileURLToPath(new URL(".", import.meta.url));

/** The pages, in the order the index lists them; each has web/<name>.html and web/src/<name>.ts. */
export const PAGES = ["classify", "digits", "gridworld", "optimizers", "gpt", "gan"] as const;
export type PageName = (typeof PAGES)[number];

/**
 * Writes the playground into `outDir`: index.html and one HTML file per page, style.css, assets/, and
 * js/ with the bundles. As in test/browser/bundle.ts, package.json "browser" swaps in the browser
 * twins of the Node-only modules, `node:*` stays external, and code splitting keeps the Node-only
 * dynamic imports (file helpers of io and onnx) in chunks the pages never fetch.
 */
export async function buildPlayground(outDir: string, options: { minify?: boolean } = {}): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(["index", ...PAGES].map((p) => [p, join(WEB, "src", `${p}.ts`)])),
    bundle: true,
    format: "esm",
    splitting: true,
    platform: "browser",
    target: "es2022",
    external: ["node:*"],
    outdir: join(outDir, "js"),
    minify: options.minify ?? false,
    sourcemap: true,
    logLevel: "silent",
  });
  for (const file of await readdir(WEB)) {
    if (file.endsWith(".html") || file.endsWith(".css")) await cp(join(WEB, file), join(outDir, file));
  }
  await cp(join(WEB, "assets"), join(outDir, "assets"), { recursive: true });
}
