// The shipped tiny Shakespeare corpus: its bytes, nanoGPT's character set and 90/10 split; the text module stays browser-safe.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tinyShakespeare, trainValSplit } from "../../src/text/tinyShakespeare.js";
import { CharTokenizer } from "../../src/text/CharTokenizer.js";

describe("tinyShakespeare", () => {
  it("is karpathy/char-rnn's input.txt: 1,115,394 characters, sha256 86c4e6aa…c565ed", async () => {
    const text = await tinyShakespeare();
    expect(text.length).toBe(1_115_394);
    expect(createHash("sha256").update(text, "utf8").digest("hex")).toBe("86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed");
    expect(text.startsWith("First Citizen:\nBefore we proceed any further, hear me speak.")).toBe(true);
  });

  it("has nanoGPT's 65 characters, sorted as its prepare.py prints them", async () => {
    const tok = CharTokenizer.train(await tinyShakespeare());
    expect(tok.vocab.itos.join("")).toBe("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
  });

  it("splits 90/10 as nanoGPT: the first 1,003,854 characters train, the last 111,540 validate", async () => {
    const [all, train, val] = await Promise.all([tinyShakespeare(), tinyShakespeare({ split: "train" }), tinyShakespeare({ split: "val" })]);
    expect(train.length).toBe(1_003_854);
    expect(val.length).toBe(111_540);
    expect(train + val).toBe(all);
    await expect(tinyShakespeare({ split: "test" as never })).rejects.toThrow(/tinyShakespeare: split must be "train", "val" or "all", got "test"/);
  });

  it("trainValSplit cuts at code points", () => {
    expect(trainValSplit("😀😀😀😀😀😀😀😀😀😀", 0.9)).toEqual({ train: "😀".repeat(9), val: "😀" });
    expect(trainValSplit("abcd", 0.5)).toEqual({ train: "ab", val: "cd" });
  });
});

describe("the text module in a browser", () => {
  it("only nodeData.ts imports Node APIs, and only through src/node/index.ts (package.json swaps that for its browser stand-in)", () => {
    const dir = new URL("../../src/text/", import.meta.url);
    const offenders = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "nodeData.ts").filter((f) => {
      const text = readFileSync(new URL(f, dir), "utf8");
      return /from\s+["']node:|import\(\s*["']node:|require\(|\bprocess\./.test(text) || /nodeData/.test(text.replace(/^\s*(\/\/|\*).*$/gm, ""));
    });
    expect(offenders).toEqual([]);
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { browser: Record<string, unknown>; files: string[] };
    expect(pkg.browser["./dist/node/index.js"]).toBe("./dist/node/index.browser.js");
    const nodeIndex = readFileSync(new URL("../../src/node/index.ts", import.meta.url), "utf8");
    expect(nodeIndex).toMatch(/export \{ readTinyShakespeare \} from "..\/text\/nodeData.js"/);
    const browserIndex = readFileSync(new URL("../../src/node/index.browser.ts", import.meta.url), "utf8");
    expect(browserIndex).not.toMatch(/nodeData/);
    expect(pkg.files).toContain("data");
  });
});
