// TF-IDF: TfidfTransformer (counts → tf-idf) and TfidfVectorizer (CountVectorizer + transformer), equal to scikit-learn's.
import { describe } from "../tensor/validate.js";
import { CountVectorizer, type CountVectorizerOptions } from "./CountVectorizer.js";
import { SparseMatrix } from "./SparseMatrix.js";

/**
 * Options of {@link TfidfTransformer} and {@link TfidfVectorizer} (scikit-learn's arguments in camelCase):
 * row normalization, IDF weighting and its smoothing, and sublinear term frequency.
 */
export interface TfidfOptions {
  /** Row normalization: "l2" (default), "l1" or null (none). */
  norm?: "l1" | "l2" | null;
  /** Weight by inverse document frequency (default true). */
  useIdf?: boolean;
  /** Add one to document frequencies and to the document count, as if one extra document held every term once (default true). */
  smoothIdf?: boolean;
  /** Replace a count tf by 1 + ln(tf) (default false). */
  sublinearTf?: boolean;
}

/**
 * Turns a count matrix into tf-idf weights as `sklearn.feature_extraction.text.TfidfTransformer`:
 * idf(t) = ln(n / df(t)) + 1, with n and df(t) each plus one when `smoothIdf`; a value is
 * tf · idf (tf replaced by 1 + ln tf when `sublinearTf`), then each row is scaled to unit l2 (or l1)
 * norm; an all-zero row stays zero.
 */
export class TfidfTransformer {
  readonly norm: "l1" | "l2" | null;
  readonly useIdf: boolean;
  readonly smoothIdf: boolean;
  readonly sublinearTf: boolean;
  /** idf per column after `fit` (only with `useIdf`). */
  idf: Float64Array | null = null;

  constructor(options: TfidfOptions = {}) {
    checkTfidfOptions("TfidfTransformer", options);
    this.norm = options.norm === undefined ? "l2" : options.norm;
    this.useIdf = options.useIdf ?? true;
    this.smoothIdf = options.smoothIdf ?? true;
    this.sublinearTf = options.sublinearTf ?? false;
  }

  fit(counts: SparseMatrix): this {
    if (!(counts instanceof SparseMatrix)) throw new Error(`TfidfTransformer.fit: expected a SparseMatrix of counts, got ${describe(counts)}`);
    if (!this.useIdf) return this;
    const df = new Float64Array(counts.cols);
    for (let k = 0; k < counts.nnz; k++) if (counts.data[k] !== 0) df[counts.indices[k]!]!++;
    const smooth = this.smoothIdf ? 1 : 0;
    const n = counts.rows + smooth;
    this.idf = df.map((d) => Math.log(n / (d + smooth)) + 1);
    return this;
  }

  transform(counts: SparseMatrix): SparseMatrix {
    if (!(counts instanceof SparseMatrix)) throw new Error(`TfidfTransformer.transform: expected a SparseMatrix of counts, got ${describe(counts)}`);
    const idf = this.idf;
    if (this.useIdf) {
      if (idf === null) throw new Error("TfidfTransformer.transform: not fitted yet; call fit first");
      if (idf.length !== counts.cols) throw new Error(`TfidfTransformer.transform: the matrix has ${counts.cols} columns but the transformer was fitted on ${idf.length}`);
    }
    let x = counts.mapValues((v, _i, j) => {
      const tf = this.sublinearTf ? Math.log(v) + 1 : v;
      return idf !== null && this.useIdf ? tf * idf[j]! : tf;
    });
    if (this.norm !== null) {
      const l1 = this.norm === "l1";
      const scale = new Float64Array(x.rows);
      for (let i = 0; i < x.rows; i++) {
        let s = 0;
        for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) s += l1 ? Math.abs(x.data[k]!) : x.data[k]! * x.data[k]!;
        scale[i] = s === 0 ? 1 : l1 ? s : Math.sqrt(s);
      }
      x = x.mapValues((v, i) => v / scale[i]!);
    }
    return x;
  }

  fitTransform(counts: SparseMatrix): SparseMatrix {
    return this.fit(counts).transform(counts);
  }
}

function checkTfidfOptions(op: string, options: TfidfOptions): void {
  if (options.norm !== undefined && options.norm !== null && options.norm !== "l1" && options.norm !== "l2") {
    throw new Error(`${op}: norm must be "l1", "l2" or null, got ${describe(options.norm)}`);
  }
  for (const key of ["useIdf", "smoothIdf", "sublinearTf"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "boolean") throw new Error(`${op}: ${key} must be a boolean, got ${describe(options[key])}`);
  }
}

/**
 * `CountVectorizer` followed by `TfidfTransformer`, as `sklearn.feature_extraction.text.TfidfVectorizer`
 * (same options and defaults; `idf` is scikit-learn's `idf_`).
 *
 * ```ts
 * const tv = new TfidfVectorizer({ sublinearTf: true, minDf: 2 });
 * const X = tv.fitTransform(docs);    // rows of unit l2 norm
 * tv.idf;                             // Float64Array, one per term of tv.getFeatureNamesOut()
 * ```
 */
export class TfidfVectorizer extends CountVectorizer {
  readonly transformer: TfidfTransformer;

  constructor(options: CountVectorizerOptions & TfidfOptions = {}) {
    super(options);
    this.transformer = new TfidfTransformer(options);
  }

  protected override get op(): string {
    return "TfidfVectorizer";
  }

  get idf(): Float64Array | null {
    return this.transformer.idf;
  }

  override fitTransform(docs: readonly string[]): SparseMatrix {
    return this.transformer.fitTransform(super.fitTransform(docs));
  }

  override transform(docs: readonly string[]): SparseMatrix {
    return this.transformer.transform(super.transform(docs));
  }
}
