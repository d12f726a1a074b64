// The WASM kernels' host where deepscript runs: Node's. In a browser bundle, package.json "browser"
// replaces this file with hostPlatform.browser.ts, so no node: module reaches the bundle.
export { nodePlatform as hostPlatform } from "./nodePlatform.js";
