// The run folder of `deepscript run`: a fresh directory per run, and file writes that never follow a symbolic link.
import { type Stats, closeSync, constants, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** lstat that answers null when nothing is there. */
function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return null;
    throw e;
  }
}

/**
 * Writes `data` to `path` without following a symbolic link there: the file is opened with O_NOFOLLOW
 * (a link in its place is an error, never a write to the link's target). With `exclusive`, a file
 * that exists already is an error too (O_EXCL).
 */
export function writeFileNoFollow(path: string, data: string | Uint8Array, options: { exclusive?: boolean } = {}): void {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | (options.exclusive ? constants.O_EXCL : constants.O_TRUNC);
  let fd: number;
  try {
    fd = openSync(path, flags, 0o644);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ELOOP" || code === "EMLINK" || lstatOrNull(path)?.isSymbolicLink()) {
      throw new Error(`deepscript run: ${path} is a symbolic link; a run never writes through links in its folder (remove it)`);
    }
    throw e;
  }
  try {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `path` by a file holding `data`: written to a new temporary file next to it (O_EXCL,
 * O_NOFOLLOW), then renamed over it. A rename replaces a symbolic link itself, never its target, and
 * readers see the old or the new file, never half of one.
 */
export function replaceFileNoFollow(path: string, data: string): void {
  const temporary = join(dirname(path), `.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileNoFollow(temporary, data, { exclusive: true });
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
}

/**
 * Creates the folder a run writes into and returns its absolute path. With `out` (the --out option)
 * that folder, which must be new or empty and not a symbolic link; without, `runs/<name>`, or
 * `runs/<name>-2`, `-3`, … when that holds an earlier run — so a run never mixes its files with an
 * older run's, and nothing written there can have been planted before.
 */
export function createRunFolder(name: string, out: string | undefined): string {
  if (out !== undefined) {
    if (out.trim() === "") throw new Error(`deepscript run ${name}: --out needs a folder name, got an empty one (leave --out out to write to runs/${name})`);
    const dir = resolve(out);
    const stat = lstatOrNull(dir);
    if (stat === null) {
      mkdirSync(dirname(dir), { recursive: true });
      mkdirSync(dir);
    } else if (stat.isSymbolicLink()) {
      throw new Error(`deepscript run ${name}: --out ${out} is a symbolic link; give the folder itself`);
    } else if (!stat.isDirectory()) {
      throw new Error(`deepscript run ${name}: --out ${out} is a file, not a folder`);
    } else if (readdirSync(dir).length > 0) {
      throw new Error(`deepscript run ${name}: --out ${out} already holds files; a run writes into a new or empty folder (choose another --out, or leave it out to get a fresh runs/${name}-<n>)`);
    }
    return dir;
  }
  const base = resolve("runs", name);
  mkdirSync(dirname(base), { recursive: true });
  for (let k = 1; ; k++) {
    const dir = k === 1 ? base : `${base}-${k}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST") throw e;
      const stat = lstatSync(dir);
      if (stat.isDirectory() && readdirSync(dir).length === 0) return dir;
    }
  }
}

/**
 * Checks that `dir` holds an unfinished run of `name` that may be continued: a real folder (not a
 * link) with a summary.json (a regular file) whose status is not "complete", and no symbolic link
 * anywhere inside. Returns that summary.
 */
export function openRunFolderForResume(name: string, dir: string): { dir: string; summary: Record<string, unknown> } {
  const where = `deepscript run ${name} --resume ${dir}`;
  if (dir.trim() === "") throw new Error(`${where}: needs the folder of the run to continue`);
  const root = resolve(dir);
  const stat = lstatOrNull(root);
  if (stat === null || !stat.isDirectory()) throw new Error(`${where}: ${stat?.isSymbolicLink() ? "is a symbolic link; give the folder itself" : "no such folder"}`);
  const links: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isSymbolicLink()) links.push(join(folder, entry.name));
      else if (entry.isDirectory()) walk(join(folder, entry.name));
    }
  };
  walk(root);
  if (links.length > 0) throw new Error(`${where}: the folder holds symbolic links (${links.join(", ")}); a run never writes through links, so remove them first`);
  const summaryPath = join(root, "summary.json");
  if (!lstatOrNull(summaryPath)?.isFile()) throw new Error(`${where}: the folder holds no summary.json, so it is not a run of deepscript`);
  const summary = JSON.parse(readFileSync(summaryPath, "utf8")) as Record<string, unknown>;
  if (summary.experiment !== name) throw new Error(`${where}: the folder holds a run of ${String(summary.experiment)}, not of ${name}`);
  if (summary.status === "complete") throw new Error(`${where}: that run is complete; start a new one instead`);
  return { dir: root, summary };
}
