// Builds the CommonJS face of the package under dist/cjs/, from the ES modules tsc wrote to dist/:
//
//   dist/cjs/deepscript.cjs      one esbuild bundle of every entry (dependencies stay external), so
//                                `require("deepscript")` and `require("deepscript/nn")` share one copy of the
//                                library (one Tensor class, one WASM instance)
//   dist/cjs/<entry>/index.cjs   `module.exports = require("../deepscript.cjs").<entry>`, one per exports entry
//   dist/cjs/**/*.d.cts          the declarations those entries reach, as CommonJS declaration files (TypeScript
//                                with `module: node16` refuses a CommonJS file's import of an ES module's types)
//
// Node >= 20.19 and >= 22.12 load the ES modules for require() too (the "module-sync" condition in
// package.json), so this bundle serves older Node versions and tools that only know "require".
import { build } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const out = join(dist, "cjs");
const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8"));

/** The exports entries: "." → "", "./nn" → "nn", each with its ES module under dist/. */
const entries = Object.keys(pkg.exports)
  .filter((key) => key !== "./package.json")
  .map((key) => {
    const name = key === "." ? "" : key.slice(2);
    const esm = pkg.exports[key].import.default;
    const cjs = pkg.exports[key].require.default;
    if (cjs !== `./dist/cjs/${name ? name + "/" : ""}index.cjs`) throw new Error(`build-cjs: exports["${key}"].require is ${cjs}, expected ./dist/cjs/${name ? name + "/" : ""}index.cjs`);
    return { key, name, esm: join(root, esm) };
  });

const started = Date.now();
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

// One bundle whose exports are the entries' namespaces, keyed by entry name ("" is the main entry).
const bundleEntry = entries
  .map(({ name, esm }, i) => `import * as e${i} from ${JSON.stringify("./" + relative(root, esm).replaceAll("\\", "/"))};`)
  .concat(`export const entries = { ${entries.map(({ name }, i) => `${JSON.stringify(name)}: e${i}`).join(", ")} };`)
  .join("\n");
await build({
  stdin: { contents: bundleEntry, resolveDir: root, sourcefile: "deepscript-cjs-entry.js", loader: "js" },
  outfile: join(out, "deepscript.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  packages: "external",
  // import.meta.url (node/mnist.ts resolves the mnist package from it) is this file's URL.
  define: { "import.meta.url": "__deepscriptFileUrl" },
  banner: { js: 'const __deepscriptFileUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
});

for (const { name } of entries) {
  const file = join(out, name, "index.cjs");
  await mkdir(dirname(file), { recursive: true });
  const bundle = relative(dirname(file), join(out, "deepscript.cjs")).replaceAll("\\", "/");
  await writeFile(file, `"use strict";\nmodule.exports = require(${JSON.stringify(bundle.startsWith(".") ? bundle : "./" + bundle)}).entries[${JSON.stringify(name)}];\n`);
}

// Declarations: every .d.ts reachable from the entries, copied to dist/cjs as .d.cts with relative
// specifiers "./x.js" renamed "./x.cjs" (which TypeScript resolves to ./x.d.cts).
const specifier = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']*?)\.js\2/g;
const seen = new Set();
const queue = entries.map(({ esm }) => esm.replace(/\.js$/, ".d.ts"));
while (queue.length > 0) {
  const file = queue.pop();
  if (seen.has(file)) continue;
  seen.add(file);
  const text = await readFile(file, "utf8");
  for (const match of text.matchAll(specifier)) queue.push(resolve(dirname(file), match[3] + ".d.ts"));
  const target = join(out, relative(dist, file)).replace(/\.d\.ts$/, ".d.cts");
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text.replace(specifier, (_, lead, quote, path) => `${lead}${quote}${path}.cjs${quote}`));
}
console.log(`build-cjs: ${entries.length} entries, ${seen.size} declaration files, ${Date.now() - started} ms -> ${relative(root, out)}`);
