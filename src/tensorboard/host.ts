// Picks the event-file host: the Node adapter under Node, none in a browser (where nothing imports node: modules).
import { nodeHost, type NodeHost } from "./nodeFile.js";

/**
 * The Node file adapter, or null in a browser: package.json "browser" puts nodeFile.browser.ts (no host)
 * in place of nodeFile.ts, so a browser bundle never contains node:fs.
 */
export const host: NodeHost | null = nodeHost;

/** The host, or an error naming `op` where there is no file system. */
export function requireHost(op: string): NodeHost {
  if (host) return host;
  throw new Error(`${op}: event files are written and read through Node's file system, which this environment lacks; in a browser, build records with tensorboard.encodeEvent and tensorboard.frameRecord instead`);
}
