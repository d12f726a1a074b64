#!/usr/bin/env node
// Entry point of the `deepscript` command (package.json "bin"): parses process.argv and exits with its status.
import { runCli } from "./program.js";

process.exitCode = await runCli(process.argv);
