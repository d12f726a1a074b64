// Draw a digit: a 784-64-10 MLP, trained on MNIST with deepscript by scripts/train-digit-mlp.ts and
// shipped as web/assets/digit-mlp.safetensors, classifies the drawing as it is drawn.
import * as ds from "../../src/index.js";
import { $, ctx2d, showBackend, start } from "./common.js";

const { nn, io } = ds;
const model = new nn.Sequential(new nn.Linear(784, 64), new nn.ReLU(), new nn.Linear(64, 10));

/**
 * The drawing as MNIST's preprocessing would have made it (LeCun et al.: each digit size-normalized
 * into a 20×20 box keeping its aspect ratio, anti-aliased, then centred by its centre of mass in a
 * 28×28 field). Returns 784 grey values in [0, 1], or null for an empty canvas.
 */
export function toMnist(source: HTMLCanvasElement): Float32Array | null {
  const { width: W, height: H } = source;
  const pixels = ctx2d(source).getImageData(0, 0, W, H).data;
  let x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (pixels[4 * (y * W + x)]! > 20) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x);
        y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const scale = 20 / Math.max(bw, bh);
  const box = new OffscreenCanvas(28, 28);
  const bctx = box.getContext("2d", { willReadFrequently: true });
  if (!bctx) throw new Error("playground: no offscreen 2-D context");
  bctx.fillStyle = "#000";
  bctx.fillRect(0, 0, 28, 28);
  bctx.imageSmoothingEnabled = true;
  bctx.imageSmoothingQuality = "high";
  const dw = bw * scale, dh = bh * scale;
  bctx.drawImage(source, x0, y0, bw, bh, (28 - dw) / 2, (28 - dh) / 2, dw, dh);
  const small = bctx.getImageData(0, 0, 28, 28).data;
  let mass = 0, cx = 0, cy = 0;
  for (let i = 0; i < 784; i++) {
    const v = small[4 * i]! / 255;
    mass += v; cx += v * (i % 28); cy += v * Math.floor(i / 28);
  }
  const dx = Math.round(13.5 - cx / mass), dy = Math.round(13.5 - cy / mass);
  const out = new Float32Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const sx = x - dx, sy = y - dy;
      if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) out[y * 28 + x] = small[4 * (sy * 28 + sx)]! / 255;
    }
  }
  return out;
}

function showInput(input: Float32Array | null): void {
  const canvas = $<HTMLCanvasElement>("input28");
  const ctx = ctx2d(canvas);
  const img = new ImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(255 * (input?.[i] ?? 0));
    img.data.set([v, v, v, 255], 4 * i);
  }
  const off = new OffscreenCanvas(28, 28);
  off.getContext("2d")?.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
}

function predict(): void {
  const input = toMnist($<HTMLCanvasElement>("pad"));
  showInput(input);
  const bars = $("bars");
  const prediction = $("prediction");
  if (!input) {
    prediction.textContent = "–";
    prediction.dataset.digit = "";
    for (let d = 0; d < 10; d++) { $(`bar-${d}`).style.width = "0%"; $(`p-${d}`).textContent = ""; }
    bars.dataset.probs = "";
    return;
  }
  const probs = ds.noGrad(() => ds.softmax(model.call(ds.tensor(Array.from(input)).reshape([1, 784])), 1).dataSync());
  const p = Array.from(probs, Number);
  const best = p.indexOf(Math.max(...p));
  prediction.textContent = `${best}  (${(100 * p[best]!).toFixed(1)} %)`;
  prediction.dataset.digit = String(best);
  bars.dataset.probs = p.map((v) => v.toFixed(4)).join(",");
  for (let d = 0; d < 10; d++) {
    const bar = $(`bar-${d}`);
    bar.style.width = `${(100 * p[d]!).toFixed(1)}%`;
    bar.classList.toggle("best", d === best);
    $(`p-${d}`).textContent = `${(100 * p[d]!).toFixed(1)}%`;
  }
}

function clearPad(): void {
  const pad = $<HTMLCanvasElement>("pad");
  const ctx = ctx2d(pad);
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, pad.width, pad.height);
  predict();
}

function setupDrawing(): void {
  const pad = $<HTMLCanvasElement>("pad");
  const ctx = ctx2d(pad);
  let last: [number, number] | null = null;
  let pending = false;
  const at = (e: PointerEvent): [number, number] => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
  };
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; predict(); });
  };
  pad.addEventListener("pointerdown", (e) => {
    pad.setPointerCapture(e.pointerId);
    last = at(e);
    ctx.fillStyle = "#fff";
    ctx.beginPath();
    ctx.arc(last[0], last[1], 9, 0, 2 * Math.PI);
    ctx.fill();
    schedule();
  });
  pad.addEventListener("pointermove", (e) => {
    if (!last) return;
    const p = at(e);
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 18;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(last[0], last[1]);
    ctx.lineTo(p[0], p[1]);
    ctx.stroke();
    last = p;
    schedule();
  });
  const end = () => { if (last) { last = null; predict(); } };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
}

start(async () => {
  await showBackend();
  const response = await fetch("assets/digit-mlp.safetensors");
  if (!response.ok) throw new Error(`digit model: GET assets/digit-mlp.safetensors gave ${response.status}`);
  const file = io.deserialize(new Uint8Array(await response.arrayBuffer()));
  model.loadStateDict(file.tensors);
  model.eval();
  const acc = Number(file.metadata?.testAccuracy ?? NaN);
  $("model-info").textContent = `784-64-10 MLP, ${Number.isFinite(acc) ? `${(100 * acc).toFixed(1)} % on 2,000 held-out MNIST digits` : "accuracy not recorded"}`;
  const rows: string[] = [];
  for (let d = 0; d < 10; d++) rows.push(`<span>${d}</span><div><div class="bar" id="bar-${d}" style="width:0%"></div></div><span id="p-${d}"></span>`);
  $("bars").innerHTML = rows.join("");
  setupDrawing();
  $("clear").addEventListener("click", clearPad);
  clearPad();
});
