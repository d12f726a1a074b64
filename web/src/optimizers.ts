import { showBackend, start } from "./common.js";
start(async () => { await showBackend(); });
