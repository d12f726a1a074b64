// Picks the event-file host: the Node adapter under Node, none in a browser (where nothing imports node: modules).
import type { NodeHost } from "./nodeFile.js";

const isNode = typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === "string";

/**
 * The Node file adapter, or null in a browser. It is imported dynamically and only under Node, so a
 * browser bundle never loads node:fs (package.json "browser" also maps nodeFile.js to nothing).
 */
export const host: NodeHost | null = isNode ? (await import("./nodeFile.js")).nodeHost : null;

/** The host, or an error naming `op` where there is no file system. */
export function requireHost(op: string): NodeHost {
  if (host) return host;
  throw new Error(`${op}: event files are written and read through Node's file system, which this environment lacks; in a browser, build records with tensorboard.encodeEvent and tensorboard.frameRecord instead`);
}
