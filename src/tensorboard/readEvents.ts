// Reading event files back: every record's CRCs checked, each Event decoded (Node; see parseEvents for bytes).
import type { Event } from "./events.js";
import { requireHost } from "./host.js";
import { EventFileError, parseEvents } from "./records.js";

/**
 * The events of the event file at `path`, in file order. A truncated or damaged file is an
 * EventFileError that names the file and the byte offset of the bad record.
 *
 * ```ts
 * const scalars = readEvents(path).flatMap((e) => e.summary?.value ?? []).filter((v) => v.simpleValue !== undefined);
 * ```
 */
export function readEvents(path: string): Event[] {
  if (typeof path !== "string" || path.length === 0) throw new Error(`readEvents: path must be a non-empty string, got ${JSON.stringify(path)}`);
  const host = requireHost("readEvents");
  let bytes: Uint8Array;
  try {
    bytes = host.readFile(path);
  } catch (e) {
    throw new EventFileError(`readEvents: cannot read ${path} (${(e as Error).message})`, path, 0);
  }
  return parseEvents(bytes, path);
}
