// Writes web/assets/tinyshakespeare-100k.txt, the text the playground's char-GPT page (web/src/gpt.ts)
// trains on: the first 100,000 characters of tiny Shakespeare as the package ships it
// (data/tinyshakespeare.txt.gz, read by text.tinyShakespeare(); Karpathy's char-rnn
// data/tinyshakespeare/input.txt, sha256 86c4e6aa…c565ed, public-domain text — see data/README.md).
// The whole text gzip-compressed is 424 kB, too much for a page; this slice is 100 kB uncompressed,
// and test/web checks that it is still exactly that prefix.
//
//   npx tsx scripts/make-shakespeare-slice.ts [--chars 100000]
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tinyShakespeare } from "../src/text/tinyShakespeare.js";

const i = process.argv.indexOf("--chars");
const chars = i >= 0 ? Number(process.argv[i + 1]) : 100_000;
if (!Number.isInteger(chars) || chars < 1000) throw new Error(`make-shakespeare-slice: --chars must be an integer ≥ 1000, got ${process.argv[i + 1]}`);
const out = fileURLToPath(new URL(`../web/assets/tinyshakespeare-${chars / 1000}k.txt`, import.meta.url));
const slice = Array.from(await tinyShakespeare()).slice(0, chars).join("");
writeFileSync(out, slice);
console.log(`${out}: ${slice.length} characters, ${new Set(slice).size} distinct`);
