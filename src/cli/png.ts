// PNG copies of a run's SVG plots, rendered by resvg (a Rust SVG renderer, through @resvg/resvg-js).
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileNoFollow } from "./runFolder.js";

/**
 * Writes `<name>.png` next to every `<name>.svg` in `dir`, at the SVG's own pixel size, never through
 * a link. Returns the files written, or a note when the renderer cannot load on this platform (the
 * SVGs are there either way).
 */
export async function writePngs(dir: string): Promise<{ written: string[]; note?: string }> {
  let Resvg: typeof import("@resvg/resvg-js").Resvg;
  try {
    ({ Resvg } = await import("@resvg/resvg-js"));
  } catch (e) {
    return { written: [], note: `no PNG copies of the plots: the renderer @resvg/resvg-js did not load here (${(e as Error).message.split("\n")[0]})` };
  }
  const written: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".svg")).sort()) {
    const svgPath = join(dir, file);
    if (!lstatSync(svgPath).isFile()) continue;
    const png = new Resvg(readFileSync(svgPath, "utf8"), {
      fitTo: { mode: "original" },
      font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
    }).render().asPng();
    const pngPath = join(dir, file.replace(/\.svg$/, ".png"));
    writeFileNoFollow(pngPath, png);
    written.push(pngPath);
  }
  return { written };
}
