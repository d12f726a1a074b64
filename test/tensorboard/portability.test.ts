// The TensorBoard writer must not break browser builds: only nodeFile.ts touches Node, and package.json "browser"
// puts nodeFile.browser.ts (no host) in its place.
import { build } from "esbuild";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../../src");

describe("tensorboard portability", () => {
  it("imports Node modules only in src/tensorboard/nodeFile.ts", () => {
    const files = [...readdirSync(join(SRC, "tensorboard")).map((f) => join("tensorboard", f)), "train/TensorBoard.ts"];
    const offenders = files.filter((f) => f !== join("tensorboard", "nodeFile.ts")).filter((f) => {
      const text = readFileSync(join(SRC, f), "utf8");
      return /from\s+["']node:|import\(\s*["']node:|require\(|\bprocess\.(env|argv|exit|on)|from\s+["'](fs|path|os|zlib)["']/.test(text);
    });
    expect(offenders).toEqual([]);
  });

  it("bundles src/index.ts for the browser without the Node file adapter, and with node: imports only in chunks loaded by dynamic import", async () => {
    const outdir = mkdtempSync(join(tmpdir(), "ds-tb-bundle-"));
    await build({
      entryPoints: { entry: join(SRC, "index.ts") }, bundle: true, format: "esm", splitting: true, platform: "browser",
      target: "es2022", external: ["node:*"], outdir, logLevel: "silent",
    });
    const outputs = readdirSync(outdir).filter((f) => f.endsWith(".js"));
    const text = Object.fromEntries(outputs.map((f) => [f, readFileSync(join(outdir, f), "utf8")]));
    const nodeChunks = outputs.filter((f) => /from\s*"node:/.test(text[f]!));
    // nodeFile.ts (the only user of zlib's deflateSync) is swapped for its browser stand-in by package.json "browser".
    expect(outputs.filter((f) => text[f]!.includes("deflateSync"))).toEqual([]);
    expect(outputs.some((f) => text[f]!.includes("event files are written and read through Node's file system"))).toBe(true);
    // Everything the page loads eagerly: the entry and the chunks it imports statically, transitively.
    const eager = new Set<string>();
    const visit = (f: string) => {
      if (eager.has(f)) return;
      eager.add(f);
      for (const m of text[f]!.matchAll(/(?:^|;|\n)\s*import\s*(?:[^'"()]*?\s*from\s*)?"\.\/([^"]+)"/g)) visit(m[1]!);
    };
    visit("entry.js");
    expect([...eager].filter((f) => nodeChunks.includes(f))).toEqual([]);
  });
});
