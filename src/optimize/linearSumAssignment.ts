// The linear sum assignment problem (scipy.optimize.linear_sum_assignment): shortest augmenting paths, O(n³).
import { Tensor } from "../tensor/Tensor.js";
import { describe } from "../tensor/validate.js";

/** Options of {@link linearSumAssignment}. */
export interface LinearSumAssignmentOptions {
  /** Find the assignment of largest total instead of smallest (scipy's `maximize`). Default false. */
  maximize?: boolean;
}

/** The optimal assignment: row `rows[k]` goes to column `cols[k]`; `rows` ascending (scipy's pair of arrays). */
export interface Assignment {
  rows: number[];
  cols: number[];
}

const OP = "linearSumAssignment";

/** Reads a 2-D cost (nested array or Tensor) into a row-major Float64Array, checking its shape and entries. */
function readCost(cost: unknown): { n: number; m: number; values: Float64Array } {
  if (cost instanceof Tensor) {
    if (cost.ndim !== 2) throw new Error(`${OP}: expected a 2-D cost matrix, got a tensor of shape [${cost.shape.join(", ")}]`);
    const [n, m] = cost.shape as [number, number];
    return { n, m, values: Float64Array.from(cost.contiguous().dataSync() as ArrayLike<number>, Number) };
  }
  if (!Array.isArray(cost)) throw new Error(`${OP}: expected a 2-D cost matrix (an array of rows or a Tensor), got ${describe(cost)}`);
  const n = cost.length;
  const m = n === 0 ? 0 : Array.isArray(cost[0]) ? (cost[0] as unknown[]).length : -1;
  const values = new Float64Array(n * Math.max(m, 0));
  for (let i = 0; i < n; i++) {
    const row: unknown = cost[i];
    if (!Array.isArray(row)) throw new Error(`${OP}: expected a 2-D cost matrix, but row ${i} is ${describe(row)}`);
    if (row.length !== m) throw new Error(`${OP}: the cost matrix is ragged: row 0 has ${m} entries, row ${i} has ${row.length}`);
    for (let j = 0; j < m; j++) {
      const v: unknown = row[j];
      if (typeof v !== "number") throw new Error(`${OP}: cost[${i}][${j}] must be a number, got ${describe(v)}`);
      values[i * m + j] = v;
    }
  }
  return { n, m, values };
}

/**
 * Solves the linear sum assignment problem: picks min(n, m) entries of the n×m `cost`, no two in one
 * row or column, with the smallest total (largest with `{ maximize: true }`) — scipy's
 * `linear_sum_assignment`, DETR's Hungarian matcher. Rectangular matrices assign every row (n ≤ m)
 * or every column (n > m). `+Infinity` marks a forbidden pair; NaN, `-Infinity`, or a matrix with
 * no finite full assignment is an error.
 *
 * The algorithm is the shortest augmenting path method of Jonker & Volgenant (1987) in Crouse's
 * rectangular form ("On implementing 2D rectangular assignment algorithms", IEEE TAES 2016), the
 * one scipy uses: each row in turn is joined by a Dijkstra search over reduced costs
 * `cost[i][j] − u[i] − v[j]`, whose dual variables keep every reduced cost non-negative. O(n²m).
 *
 * ```ts
 * const { rows, cols } = optimize.linearSumAssignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]]);
 * // rows [0, 1, 2], cols [1, 0, 2]: total 1 + 2 + 2 = 5
 * ```
 */
export function linearSumAssignment(cost: number[][] | Tensor, options: LinearSumAssignmentOptions = {}): Assignment {
  if (typeof options !== "object" || options === null) throw new Error(`${OP}: options must be an object, got ${describe(options)}`);
  const maximize = options.maximize ?? false;
  if (typeof maximize !== "boolean") throw new Error(`${OP}: maximize must be a boolean, got ${describe(maximize)}`);
  const { n, m, values } = readCost(cost);
  if (n === 0 || m === 0) return { rows: [], cols: [] };

  // Work on a matrix with no more rows than columns: transpose a tall one.
  const transpose = m < n;
  const nr = transpose ? m : n;
  const nc = transpose ? n : m;
  const c = new Float64Array(nr * nc);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const v = values[i * m + j]!;
      if (Number.isNaN(v)) throw new Error(`${OP}: the cost matrix contains NaN at [${i}, ${j}]`);
      const w = maximize ? -v : v;
      if (w === -Infinity) throw new Error(`${OP}: the cost matrix contains ${v} at [${i}, ${j}]${maximize ? " (with maximize, +Infinity cannot mark a forbidden pair)" : ""}`);
      c[transpose ? j * nc + i : i * nc + j] = w;
    }
  }

  const u = new Float64Array(nr); // row duals
  const v = new Float64Array(nc); // column duals
  const shortest = new Float64Array(nc);
  const path = new Int32Array(nc).fill(-1);
  const col4row = new Int32Array(nr).fill(-1);
  const row4col = new Int32Array(nc).fill(-1);
  const visitedRow = new Uint8Array(nr);
  const visitedCol = new Uint8Array(nc);
  const remaining = new Int32Array(nc);

  for (let curRow = 0; curRow < nr; curRow++) {
    // Dijkstra from curRow over reduced costs until it reaches an unassigned column (the sink).
    let minVal = 0;
    let numRemaining = nc;
    for (let k = 0; k < nc; k++) remaining[k] = nc - k - 1;
    visitedRow.fill(0);
    visitedCol.fill(0);
    shortest.fill(Infinity);
    let i = curRow;
    let sink = -1;
    while (sink === -1) {
      let index = -1;
      let lowest = Infinity;
      visitedRow[i] = 1;
      for (let k = 0; k < numRemaining; k++) {
        const j = remaining[k]!;
        const r = minVal + c[i * nc + j]! - u[i]! - v[j]!;
        if (r < shortest[j]!) {
          path[j] = i;
          shortest[j] = r;
        }
        // Among equally short columns prefer an unassigned one: it ends the search.
        if (shortest[j]! < lowest || (shortest[j] === lowest && row4col[j] === -1)) {
          lowest = shortest[j]!;
          index = k;
        }
      }
      minVal = lowest;
      if (minVal === Infinity) throw new Error(`${OP}: the cost matrix is infeasible: no assignment of all ${nr} ${transpose ? "columns" : "rows"} avoids the +Infinity entries`);
      const j = remaining[index]!;
      if (row4col[j] === -1) sink = j;
      else i = row4col[j]!;
      visitedCol[j] = 1;
      remaining[index] = remaining[--numRemaining]!;
    }

    // Update the duals so that reduced costs stay non-negative and the new path is tight.
    u[curRow] += minVal;
    for (let r = 0; r < nr; r++) {
      if (visitedRow[r] && r !== curRow) u[r] += minVal - shortest[col4row[r]!]!;
    }
    for (let j = 0; j < nc; j++) {
      if (visitedCol[j]) v[j] -= minVal - shortest[j]!;
    }
    // Augment along the path back from the sink.
    let j = sink;
    for (;;) {
      const r = path[j]!;
      row4col[j] = r;
      const previous = col4row[r]!;
      col4row[r] = j;
      j = previous;
      if (r === curRow) break;
    }
  }

  if (!transpose) return { rows: Array.from({ length: nr }, (_, r) => r), cols: Array.from(col4row) };
  // Rows of the original (tall) matrix are columns here: list the pairs by original row.
  const order = Array.from({ length: nr }, (_, r) => r).sort((a, b) => col4row[a]! - col4row[b]!);
  return { rows: order.map((r) => col4row[r]!), cols: order };
}
