// Runs every ```ts block of the guide (docs/*.md) against the sources, so the guide cannot drift from the library.
// Blocks fenced ```ts fragment show part of a program and are not run. Imports of "deepscript" and its
// subpaths ("deepscript/nn", "deepscript/node") are pointed at src/; each block runs in a fresh folder.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const DOCS = join(ROOT, "docs");
const pages = readdirSync(DOCS).filter((f) => f.endsWith(".md")).sort();

/** "deepscript" → src/index.ts, "deepscript/nn" → src/nn/index.ts. */
function pointAtSources(code: string): string {
  return code.replace(/(from\s+|import\s*\(\s*)"deepscript(?:\/([a-z]+))?"/g, (_, lead: string, sub: string | undefined) => `${lead}${JSON.stringify(join(ROOT, "src", sub ?? "", "index.ts"))}`);
}

const blocks = pages.flatMap((page) =>
  [...readFileSync(join(DOCS, page), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({ page, index: i, code: m[1]! })),
);

describe("the guide (docs/)", () => {
  it("has a page per chapter on main, each with a runnable snippet, all listed in docs/README.md", () => {
    const index = readFileSync(join(DOCS, "README.md"), "utf8");
    for (const page of pages.filter((p) => p !== "README.md")) {
      expect(index, page).toContain(`(${page})`);
      expect(blocks.some((b) => b.page === page), `${page} has no runnable block`).toBe(true);
    }
    expect(pages.length).toBeGreaterThanOrEqual(9);
  });

  it.each(blocks.map((b) => [`${b.page} #${b.index + 1}: ${b.code.split("\n")[0]}`, b] as const))("%s", async (_, { page, index, code }) => {
    const dir = mkdtempSync(join(tmpdir(), "ds-docs-"));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${page.replace(/\.md$/, "")}-${index}.ts`);
    writeFileSync(file, pointAtSources(code));
    const cwd = process.cwd();
    process.chdir(dir); // files a snippet writes land in its own folder
    try {
      await expect(import(file)).resolves.toBeDefined();
    } finally {
      process.chdir(cwd);
    }
  });
});
