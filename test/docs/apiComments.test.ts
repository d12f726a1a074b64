// Every name the package exports has a doc comment, so the API reference (`npm run docs`, TypeDoc) documents
// the whole public surface. Walks the public entries' exports with the TypeScript compiler API, through the
// `export * as ns` namespaces (ds.nn.*, ds.nn.functional.*, ds.rl.*, ...), following re-exports to their
// declarations; an overloaded function or a merged declaration counts as documented when any of its
// declarations has a comment. Class members are not checked here. The link check is `npm run docs` in .ci/run.
import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  exports: Record<string, string | { import?: { default?: string } }>;
};
const typedoc = JSON.parse(readFileSync(join(ROOT, "typedoc.json"), "utf8")) as { entryPoints: string[] };

/** The source file of each package.json subpath: "./nn" → src/nn/index.ts ("./package.json" has none). */
const subpathSources = Object.entries(pkg.exports).flatMap(([subpath, target]) => {
  const js = typeof target === "string" ? target : target.import?.default;
  const m = js?.match(/^\.\/dist\/(.*)\.js$/);
  return m ? [{ subpath, file: join(ROOT, "src", `${m[1]}.ts`) }] : [];
});
const entries = typedoc.entryPoints.map((p) => join(ROOT, p));

const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.build.json"), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  },
})!;
const program = ts.createProgram({ rootNames: [...new Set([...entries, ...subpathSources.map((s) => s.file)])], options: config.options });
const checker = program.getTypeChecker();

function moduleSymbol(file: string): ts.Symbol {
  const source = program.getSourceFile(file);
  const symbol = source && checker.getSymbolAtLocation(source);
  if (!symbol) throw new Error(`no module for ${relative(ROOT, file)}`);
  return symbol;
}

function isNamespace(symbol: ts.Symbol): boolean {
  return (symbol.flags & ts.SymbolFlags.ValueModule) !== 0 && (symbol.declarations ?? []).some(ts.isSourceFile);
}

function hasDocComment(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((decl) =>
    ts.getJSDocCommentsAndTags(decl).some((doc) => ts.isJSDoc(doc) && ts.getTextOfJSDocComment(doc.comment)?.trim()),
  );
}

function where(symbol: ts.Symbol): string {
  const decl = symbol.declarations?.[0];
  if (!decl) return "?";
  const source = decl.getSourceFile();
  const { line } = source.getLineAndCharacterOfPosition(decl.getStart());
  return `${relative(ROOT, source.fileName)}:${line + 1}`;
}

interface Walk {
  /** Every declaration reached, by its first public path (`nn.Linear`). */
  paths: Map<ts.Symbol, string>;
  /** The modules reached as the entries themselves or as `export * as` namespaces. */
  modules: Set<ts.Symbol>;
}

function walk(): Walk {
  const paths = new Map<ts.Symbol, string>();
  const modules = new Set<ts.Symbol>();
  const visit = (module: ts.Symbol, prefix: string) => {
    if (modules.has(module)) return;
    modules.add(module);
    for (const exported of checker.getExportsOfModule(module)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const path = `${prefix}${exported.name}`;
      if (isNamespace(target)) visit(target, `${path}.`);
      else if (!paths.has(target)) paths.set(target, path);
    }
  };
  for (const entry of entries) {
    const rel = relative(join(ROOT, "src"), entry).replace(/\\/g, "/");
    visit(moduleSymbol(entry), rel === "index.ts" ? "" : `${rel.replace(/\/?index\.ts$/, "").replace(/\//g, ".")}.`);
  }
  return { paths, modules };
}

describe("the API reference's coverage", () => {
  const { paths, modules } = walk();

  it("reaches every package.json subpath from typedoc.json's entry points", () => {
    const missed = subpathSources.filter((s) => !modules.has(moduleSymbol(s.file))).map((s) => s.subpath);
    expect(missed, "add these subpaths' sources to typedoc.json entryPoints").toEqual([]);
    expect(paths.size).toBeGreaterThan(500);
  });

  it("has a doc comment on every public export", () => {
    const undocumented = [...paths]
      .filter(([symbol]) => !hasDocComment(symbol))
      .map(([symbol, path]) => `${path} (${where(symbol)})`)
      .sort();
    expect(undocumented, `${undocumented.length} public exports have no doc comment:\n  ${undocumented.join("\n  ")}\n`).toEqual([]);
  });
});
