// Browser stand-in for nodeFile.ts (package.json "browser" puts it in place): no file system, so no host.
import type { NodeHost } from "./nodeFile.js";

export const nodeHost: NodeHost | null = null;
