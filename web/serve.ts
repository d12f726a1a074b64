// `npm run playground`: builds the playground into web/dist and serves it on 127.0.0.1 with the
// cross-origin-isolation headers (WASM threads). --port <n> picks the port (default 8731; 0 = any free one).
import { fileURLToPath } from "node:url";
import { buildPlayground } from "./build.js";
import { PLAIN_PREFIX, servePlayground } from "./server.js";

const i = process.argv.indexOf("--port");
const port = i >= 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 8731);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`playground: --port must be an integer in 0..65535, got ${process.argv[i + 1]}`);
const out = fileURLToPath(new URL("./dist/", import.meta.url));
const started = Date.now();
await buildPlayground(out);
const server = await servePlayground(out, port);
console.log(`deepscript playground built in ${Date.now() - started} ms (web/dist)`);
console.log(`  ${server.url}            cross-origin isolated: WASM with worker threads`);
console.log(`  ${new URL(PLAIN_PREFIX, server.url).href}      without COOP/COEP: WASM on one thread`);
console.log("Ctrl-C stops the server.");
