// The index page: links to the pages, and which backend this browser gets here.
import { showBackend, start } from "./common.js";

start(async () => {
  await showBackend();
});
