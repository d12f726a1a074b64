// The core runs unchanged in browsers: no Node-only module is imported by it (Node pieces live behind
// adapters in src/node, src/io's node adapter and src/backend/wasm/nodePlatform.ts). Where the core needs a
// Node adapter at import, it imports a file that package.json "browser" swaps for a browser twin
// (<name>.browser.ts) with the same exports.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Node adapters that live beside the code they serve (each is the only file that touches Node). */
const ADAPTERS = new Set(["src/plot/savePlot.ts", "src/text/nodeData.ts", "src/tensorboard/nodeFile.ts"]);
const CORE = ["src/tensor", "src/autograd", "src/ops", "src/nn", "src/optim", "src/random", "src/backend/cpu", "src/data", "src/vision", "src/rl", "src/games", "src/optimize", "src/plot", "src/text", "src/distributions", "src/tensorboard", "src/onnx"];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { browser: Record<string, string | false> };
const twins = files("src").filter((f) => f.endsWith(".browser.ts"));

describe("portability", () => {
  it("core modules import no Node-only API", () => {
    const offenders = CORE.flatMap(files).filter((f) => !ADAPTERS.has(f)).filter((f) => {
      const text = readFileSync(f, "utf8");
      return /from\s+["']node:|import\(\s*["']node:|require\(|\bprocess\.(env|argv|exit)|from\s+["'](fs|path|os|worker_threads|child_process)["']/.test(text);
    });
    expect(offenders).toEqual([]);
  });

  it("core modules reach src/node only through src/node/index.ts, which has a browser twin", () => {
    const offenders = CORE.flatMap(files).filter((f) => !ADAPTERS.has(f)).flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/from\s+["']((?:\.\.\/)+node\/[^"']+)["']/g)].map((m) => m[1]!).filter((spec) => !/^(\.\.\/)+node\/index\.js$/.test(spec)).map((spec) => `${f}: ${spec}`),
    );
    expect(offenders).toEqual([]);
    expect(twins).toContain(join("src", "node", "index.browser.ts"));
  });

  it.each(twins)("package.json \"browser\" puts %s in place of its Node file, in dist/ and src/", (twin) => {
    const node = twin.replace(/\.browser\.ts$/, ".js").replace(/^src\//, "");
    const browser = twin.replace(/\.ts$/, ".js").replace(/^src\//, "");
    expect(pkg.browser[`./dist/${node}`]).toBe(`./dist/${browser}`);
    expect(pkg.browser[`./src/${node}`]).toBe(`./src/${browser}`);
  });

  it.each(twins)("%s exports the same names as the file it stands in for", async (twin) => {
    const browserSide = (await import(`../${twin}`)) as Record<string, unknown>;
    const nodeSide = (await import(`../${twin.replace(/\.browser\.ts$/, ".ts")}`)) as Record<string, unknown>;
    expect(Object.keys(browserSide).sort()).toEqual(Object.keys(nodeSide).sort());
  });

  it("in a browser, each Node helper is an error that names it and says what to do instead", async () => {
    const twin = await import("../src/node/index.browser.js");
    expect(() => twin.loadMnist()).toThrow(/^loadMnist: needs Node\.js .*data\.mnistFromDigits/);
    expect(() => twin.savePlot("a.svg", "<svg/>")).toThrow(/^savePlot: needs Node\.js/);
    expect(() => new twin.ProgressBar()).toThrow(/^ProgressBar: needs Node\.js .*LambdaCallback/);
    expect(() => twin.atomicWriteFile("a", "b")).toThrow(/^atomicWriteFile: needs Node\.js/);
    expect(() => twin.readImageFile("a.png", "CocoDetection.get")).toThrow(/^CocoDetection\.get: needs Node\.js .*canvas/);
    expect(twin.formatLogs({ epoch: 0, loss: 0.5 })).toBe("loss 0.5000");
  });
});
