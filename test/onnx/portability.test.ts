// src/onnx runs in browsers: no Node-only module is imported statically (file access goes through the
// lazy import of src/node/fs.ts, as src/io does), and the library bundles for the browser with it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

describe("onnx portability", () => {
  it("src/onnx imports no Node-only API statically", () => {
    const dir = "src/onnx";
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .filter((f) => {
        const text = readFileSync(join(dir, f), "utf8");
        return /from\s+["']node:|import\(\s*["']node:|require\(|\bprocess\.(env|argv|exit)|from\s+["'](fs|path|os|worker_threads|child_process)["']/.test(text);
      });
    expect(offenders).toEqual([]);
  });

  it("a browser bundle of onnx export and import leaves only the file helpers in a lazily loaded chunk", async () => {
    const entry = "import { onnx, nn, randn } from './src/index.js';\n" +
      "const m = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());\n" +
      "export const y = onnx.importModelBytes(onnx.exportModelBytes(m, randn([1, 2]))).call(randn([1, 2]));\n";
    const result = await build({
      stdin: { contents: entry, resolveDir: process.cwd(), loader: "ts" },
      bundle: true, format: "esm", splitting: true, platform: "browser", target: "es2022",
      external: ["node:*"], outdir: "/tmp/deepscript-onnx-bundle", write: false, logLevel: "silent",
    });
    const main = result.outputFiles.find((f) => f.path.endsWith("stdin.js"))!.text;
    expect(main).toContain("onnx.ModelProto");
    expect(main).not.toMatch(/from\s*["']node:/);
  });
});
