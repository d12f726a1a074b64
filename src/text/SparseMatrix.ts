// SparseMatrix: a compressed-sparse-row matrix (scipy's csr layout), what the vectorizers return.
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { DType } from "../tensor/dtype.js";
import { describe } from "../tensor/validate.js";

/**
 * Rows × cols values in CSR form: the non-zeros of row i are `data[indptr[i]:indptr[i+1]]` in columns
 * `indices[indptr[i]:indptr[i+1]]` (increasing), as `scipy.sparse.csr_array` with sorted indices.
 */
export class SparseMatrix {
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly indptr: Int32Array,
    readonly indices: Int32Array,
    readonly data: Float64Array,
  ) {
    if (indptr.length !== rows + 1 || indptr[0] !== 0 || indptr[rows] !== indices.length || indices.length !== data.length) {
      throw new Error(`SparseMatrix: inconsistent CSR arrays for ${rows}×${cols} (indptr ${indptr.length}, indices ${indices.length}, data ${data.length})`);
    }
  }

  /** Builds a matrix from one `Map<column, value>` per row (zeros dropped, columns sorted). */
  static fromRows(rows: readonly ReadonlyMap<number, number>[], cols: number): SparseMatrix {
    let nnz = 0;
    for (const r of rows) nnz += r.size;
    const indptr = new Int32Array(rows.length + 1);
    const indices = new Int32Array(nnz);
    const data = new Float64Array(nnz);
    let at = 0;
    rows.forEach((row, i) => {
      const cols = [...row.keys()].sort((a, b) => a - b);
      for (const c of cols) {
        const v = row.get(c)!;
        if (v === 0) continue;
        indices[at] = c;
        data[at++] = v;
      }
      indptr[i + 1] = at;
    });
    return new SparseMatrix(rows.length, cols, indptr, indices.slice(0, at), data.slice(0, at));
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  /** The number of stored (non-zero) values. */
  get nnz(): number {
    return this.data.length;
  }

  /** The value at (row, col). */
  get(row: number, col: number): number {
    if (!Number.isInteger(row) || row < 0 || row >= this.rows || !Number.isInteger(col) || col < 0 || col >= this.cols) {
      throw new Error(`SparseMatrix.get: index (${describe(row)}, ${describe(col)}) is out of range for shape [${this.rows}, ${this.cols}]`);
    }
    for (let k = this.indptr[row]!; k < this.indptr[row + 1]!; k++) if (this.indices[k] === col) return this.data[k]!;
    return 0;
  }

  /** A copy with `fn` applied to every stored value (zeros stay zero). */
  mapValues(fn: (value: number, row: number, col: number) => number): SparseMatrix {
    const data = new Float64Array(this.data.length);
    for (let i = 0; i < this.rows; i++) {
      for (let k = this.indptr[i]!; k < this.indptr[i + 1]!; k++) data[k] = fn(this.data[k]!, i, this.indices[k]!);
    }
    return new SparseMatrix(this.rows, this.cols, this.indptr, this.indices, data);
  }

  /** Dense rows as nested arrays. */
  toArray(): number[][] {
    const out = Array.from({ length: this.rows }, () => new Array<number>(this.cols).fill(0));
    for (let i = 0; i < this.rows; i++) for (let k = this.indptr[i]!; k < this.indptr[i + 1]!; k++) out[i]![this.indices[k]!] = this.data[k]!;
    return out;
  }

  /** A dense [rows, cols] tensor (float32 unless `dtype` says otherwise). */
  toTensor(options: { dtype?: DType } = {}): Tensor {
    const dense = new Float64Array(this.rows * this.cols);
    for (let i = 0; i < this.rows; i++) for (let k = this.indptr[i]!; k < this.indptr[i + 1]!; k++) dense[i * this.cols + this.indices[k]!] = this.data[k]!;
    return tensor(dense, { shape: [this.rows, this.cols], dtype: options.dtype ?? "float32" });
  }
}
