// COCO box detection metrics, computed as pycocotools' COCOeval does (evaluate, accumulate, summarize).
import { parseCoco, validateDetections, type CocoDataset, type CocoDetection } from "./format.js";

/** The twelve numbers COCOeval.summarize prints, by name (−1 where nothing could be measured). */
export interface CocoMetrics {
  /** AP averaged over IoU 0.50:0.05:0.95, all sizes, 100 detections per image (mAP@[.5:.95]). */
  map: number;
  /** AP at IoU 0.50. */
  map50: number;
  /** AP at IoU 0.75. */
  map75: number;
  /** AP of small objects (area < 32²). */
  mapSmall: number;
  /** AP of medium objects (32² ≤ area < 96²). */
  mapMedium: number;
  /** AP of large objects (area ≥ 96²). */
  mapLarge: number;
  /** Recall with at most 1 detection per image and category, averaged over IoU thresholds. */
  mar1: number;
  /** Recall with at most 10 detections per image and category. */
  mar10: number;
  /** Recall with at most 100 detections per image and category. */
  mar100: number;
  /** Recall (100 detections) of small objects. */
  marSmall: number;
  /** Recall (100 detections) of medium objects. */
  marMedium: number;
  /** Recall (100 detections) of large objects. */
  marLarge: number;
  /** The same twelve numbers in COCOeval's `stats` order. */
  stats: number[];
  /** AP (IoU 0.50:0.95, all sizes, 100 detections) and recall for each category of the ground truth, by id. */
  perCategory: { categoryId: number; ap: number; ar100: number }[];
  /**
   * Interpolated precision at IoU 0.5, all sizes, 100 detections: one row of 101 values (recall 0,
   * 0.01, …, 1) per category in `perCategory`'s order, −1 where the category has no objects.
   */
  precision50: number[][];
}

// COCOeval's parameters, built with numpy.linspace's arithmetic so the thresholds are the same doubles.
function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : i * step + start));
}
const IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
const RECALL_THRESHOLDS = linspace(0, 1, 101);
const MAX_DETS = [1, 10, 100];
const AREA_RANGES: [number, number][] = [[0, 1e5 ** 2], [0, 32 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e5 ** 2]];
const EPS = 2.220446049250313e-16; // np.spacing(1)

interface Box { id: number; bbox: number[]; area: number; iscrowd: number; score: number }

/** What COCOeval.evaluateImg returns for one image, category and area range. */
interface ImageEval {
  dtScores: number[];
  dtMatched: boolean[][]; // [T][D]
  dtIgnore: boolean[][]; // [T][D]
  gtIgnore: boolean[];
}

/** IoU of each detection with each ground truth box (pycocotools' bbIou): crowd regions divide by the detection's area. */
function iouMatrix(dts: Box[], gts: Box[]): number[][] {
  return dts.map((d) => {
    const da = d.bbox[2]! * d.bbox[3]!;
    return gts.map((g) => {
      const ga = g.bbox[2]! * g.bbox[3]!;
      const w = Math.min(d.bbox[2]! + d.bbox[0]!, g.bbox[2]! + g.bbox[0]!) - Math.max(d.bbox[0]!, g.bbox[0]!);
      if (w <= 0) return 0;
      const h = Math.min(d.bbox[3]! + d.bbox[1]!, g.bbox[3]! + g.bbox[1]!) - Math.max(d.bbox[1]!, g.bbox[1]!);
      if (h <= 0) return 0;
      const inter = w * h;
      return inter / (g.iscrowd ? da : da + ga - inter);
    });
  });
}

/** Stable order of indices by key ascending (numpy's argsort with kind="mergesort"). */
function argsortStable(keys: number[]): number[] {
  return keys.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
}

/** COCOeval.evaluateImg: greedy matching of score-sorted detections to ground truth at each IoU threshold. */
function evaluateImage(gtAll: Box[], dtAll: Box[], iousAll: number[][], areaRange: [number, number], maxDet: number): ImageEval | null {
  if (gtAll.length === 0 && dtAll.length === 0) return null;
  const gtIgnoreAll = gtAll.map((g) => g.iscrowd !== 0 || g.area < areaRange[0] || g.area > areaRange[1]);
  const gtOrder = argsortStable(gtIgnoreAll.map(Number)); // ignored ground truth last
  const gt = gtOrder.map((i) => gtAll[i]!);
  const gtIgnore = gtOrder.map((i) => gtIgnoreAll[i]!);
  // dtAll is already sorted by score (as in computeIoU); keep the best maxDet.
  const dt = dtAll.slice(0, maxDet);
  const ious = dt.map((_, d) => gtOrder.map((g) => iousAll[d]![g]!));
  const T = IOU_THRESHOLDS.length;
  const gtMatched = Array.from({ length: T }, () => new Array<boolean>(gt.length).fill(false));
  const dtMatched = Array.from({ length: T }, () => new Array<boolean>(dt.length).fill(false));
  const dtIgnore = Array.from({ length: T }, () => new Array<boolean>(dt.length).fill(false));
  for (let t = 0; t < T; t++) {
    for (let d = 0; d < dt.length; d++) {
      let best = Math.min(IOU_THRESHOLDS[t]!, 1 - 1e-10);
      let m = -1;
      for (let g = 0; g < gt.length; g++) {
        // A matched box is taken, unless it is a crowd region (which absorbs any number of detections).
        if (gtMatched[t]![g] && !gt[g]!.iscrowd) continue;
        // Having matched a counted box, stop at the ignored ones (sorted last).
        if (m > -1 && !gtIgnore[m] && gtIgnore[g]) break;
        if (ious[d]![g]! < best) continue;
        best = ious[d]![g]!;
        m = g;
      }
      if (m === -1) continue;
      dtIgnore[t]![d] = gtIgnore[m]!;
      dtMatched[t]![d] = true;
      gtMatched[t]![m] = true;
    }
  }
  // Unmatched detections outside the area range do not count either.
  for (let d = 0; d < dt.length; d++) {
    const outside = dt[d]!.area < areaRange[0] || dt[d]!.area > areaRange[1];
    for (let t = 0; t < T; t++) if (!dtMatched[t]![d] && outside) dtIgnore[t]![d] = true;
  }
  return { dtScores: dt.map((d) => d.score), dtMatched, dtIgnore, gtIgnore };
}

/** numpy.searchsorted(sorted, value, side="left"). */
function searchLeft(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** COCOeval.accumulate for one category, area range and detection limit: precision [T][R] and recall [T] (−1: no objects). */
function accumulate(evals: (ImageEval | null)[], maxDet: number): { precision: number[][]; recall: number[] } | null {
  const E = evals.filter((e): e is ImageEval => e !== null);
  if (E.length === 0) return null;
  const scores = E.flatMap((e) => e.dtScores.slice(0, maxDet));
  const order = argsortStable(scores.map((s) => -s));
  const gtCount = E.reduce((n, e) => n + e.gtIgnore.filter((ig) => !ig).length, 0);
  if (gtCount === 0) return null;
  const precision: number[][] = [];
  const recall: number[] = [];
  for (let t = 0; t < IOU_THRESHOLDS.length; t++) {
    const matched = E.flatMap((e) => e.dtMatched[t]!.slice(0, maxDet));
    const ignored = E.flatMap((e) => e.dtIgnore[t]!.slice(0, maxDet));
    const nd = order.length;
    const rc: number[] = [];
    const pr: number[] = [];
    let tp = 0;
    let fp = 0;
    for (const i of order) {
      if (!ignored[i]) {
        if (matched[i]) tp++;
        else fp++;
      }
      rc.push(tp / gtCount);
      pr.push(tp / (fp + tp + EPS));
    }
    recall.push(nd ? rc[nd - 1]! : 0);
    // The precision envelope: precision made non-increasing in recall.
    for (let i = nd - 1; i > 0; i--) if (pr[i]! > pr[i - 1]!) pr[i - 1] = pr[i]!;
    const q = new Array<number>(RECALL_THRESHOLDS.length).fill(0);
    for (let r = 0; r < RECALL_THRESHOLDS.length; r++) {
      const k = searchLeft(rc, RECALL_THRESHOLDS[r]!);
      if (k >= nd) break; // recall never reached: this and every higher threshold stay 0
      q[r] = pr[k]!;
    }
    precision.push(q);
  }
  return { precision, recall };
}

function meanValid(values: number[]): number {
  const valid = values.filter((v) => v > -1);
  return valid.length === 0 ? -1 : valid.reduce((a, b) => a + b, 0) / valid.length;
}

/**
 * Scores box detections against COCO ground truth exactly as pycocotools' `COCOeval(gt, dt, "bbox")`
 * followed by `evaluate()`, `accumulate()`, `summarize()`: per image and category, detections sorted
 * by score are matched greedily to the unmatched ground-truth box of highest IoU at each threshold
 * 0.50:0.05:0.95; crowd regions and objects outside the size range are ignored rather than missed;
 * precision is interpolated at 101 recall points. Returns the twelve summary numbers by name.
 *
 * ```ts
 * const metrics = vision.coco.cocoEvaluate(gt, [{ image_id: 1, category_id: 3, bbox: [10, 20, 50, 40], score: 0.9 }]);
 * metrics.map; metrics.map50;
 * ```
 */
export function cocoEvaluate(gt: CocoDataset, detections: readonly CocoDetection[]): CocoMetrics {
  const op = "cocoEvaluate";
  const dataset = parseCoco(gt as object);
  validateDetections(detections, dataset, op);
  const imageIds = [...new Set(dataset.images.map((img) => img.id))].sort((a, b) => a - b);
  const categoryIds = [...new Set(dataset.categories.map((cat) => cat.id))].sort((a, b) => a - b);
  const key = (imageId: number, categoryId: number): string => `${imageId}/${categoryId}`;
  const gts = new Map<string, Box[]>();
  const dts = new Map<string, Box[]>();
  for (const a of dataset.annotations) {
    const list = gts.get(key(a.image_id, a.category_id)) ?? [];
    list.push({ id: a.id, bbox: a.bbox, area: a.area, iscrowd: a.iscrowd, score: 0 });
    gts.set(key(a.image_id, a.category_id), list);
  }
  detections.forEach((d, i) => {
    // As pycocotools' loadRes: a detection's area is its box area, ids count from 1.
    const list = dts.get(key(d.image_id, d.category_id)) ?? [];
    list.push({ id: i + 1, bbox: d.bbox, area: d.bbox[2] * d.bbox[3], iscrowd: 0, score: d.score });
    dts.set(key(d.image_id, d.category_id), list);
  });

  const maxDet = MAX_DETS[MAX_DETS.length - 1]!;
  // evals[k][a][i]: category k, area range a, image i.
  const evals = categoryIds.map((c) => {
    const perImage = imageIds.map((img) => {
      const g = gts.get(key(img, c)) ?? [];
      const dAll = dts.get(key(img, c)) ?? [];
      const d = argsortStable(dAll.map((x) => -x.score)).map((i) => dAll[i]!).slice(0, maxDet);
      return { g, d, ious: iouMatrix(d, g) };
    });
    return AREA_RANGES.map((range) => perImage.map(({ g, d, ious }) => evaluateImage(g, d, ious, range, maxDet)));
  });

  // precision[t][r][k][a][m] and recall[t][k][a][m] as flat lookups.
  const precisionAt = new Map<string, number[][]>(); // `${k}/${a}/${m}` -> [T][R]
  const recallAt = new Map<string, number[]>(); // -> [T]
  categoryIds.forEach((_, k) =>
    AREA_RANGES.forEach((__, a) =>
      MAX_DETS.forEach((m, mi) => {
        const acc = accumulate(evals[k]![a]!, m);
        if (acc) {
          precisionAt.set(`${k}/${a}/${mi}`, acc.precision);
          recallAt.set(`${k}/${a}/${mi}`, acc.recall);
        }
      }),
    ),
  );
  const T = IOU_THRESHOLDS.length;
  const R = RECALL_THRESHOLDS.length;
  const collect = (ap: boolean, t: number | null, a: number, mi: number, cats: number[]): number[] => {
    const out: number[] = [];
    const ts = t === null ? [...Array(T).keys()] : [t];
    for (const ti of ts) {
      for (const k of cats) {
        const key2 = `${k}/${a}/${mi}`;
        if (ap) {
          const p = precisionAt.get(key2);
          for (let r = 0; r < R; r++) out.push(p ? p[ti]![r]! : -1);
        } else out.push(recallAt.get(key2)?.[ti] ?? -1);
      }
    }
    return out;
  };
  const allCats = categoryIds.map((_, k) => k);
  const iou50 = IOU_THRESHOLDS.indexOf(0.5);
  const iou75 = IOU_THRESHOLDS.indexOf(0.75);
  const summarize = (ap: boolean, t: number | null, a: number, mi: number): number => meanValid(collect(ap, t, a, mi, allCats));
  const stats = [
    summarize(true, null, 0, 2),
    summarize(true, iou50, 0, 2),
    summarize(true, iou75, 0, 2),
    summarize(true, null, 1, 2),
    summarize(true, null, 2, 2),
    summarize(true, null, 3, 2),
    summarize(false, null, 0, 0),
    summarize(false, null, 0, 1),
    summarize(false, null, 0, 2),
    summarize(false, null, 1, 2),
    summarize(false, null, 2, 2),
    summarize(false, null, 3, 2),
  ];
  const [map, map50, map75, mapSmall, mapMedium, mapLarge, mar1, mar10, mar100, marSmall, marMedium, marLarge] = stats as [
    number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  return {
    map, map50, map75, mapSmall, mapMedium, mapLarge, mar1, mar10, mar100, marSmall, marMedium, marLarge, stats,
    perCategory: categoryIds.map((categoryId, k) => ({
      categoryId,
      ap: meanValid(collect(true, null, 0, 2, [k])),
      ar100: meanValid(collect(false, null, 0, 2, [k])),
    })),
    precision50: categoryIds.map((_, k) => precisionAt.get(`${k}/0/2`)?.[iou50] ?? new Array<number>(R).fill(-1)),
  };
}
