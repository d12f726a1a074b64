// CountVectorizer / TfidfVectorizer against scikit-learn 1.9 (fixture: test/fixtures/text/make_text_fixture.py).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CountVectorizer, type CountVectorizerOptions, type DfLimit } from "../../src/text/CountVectorizer.js";
import { TfidfTransformer, TfidfVectorizer, type TfidfOptions } from "../../src/text/TfidfVectorizer.js";
import { SparseMatrix } from "../../src/text/SparseMatrix.js";
import { pythonRegex } from "../../src/text/pythonRegex.js";

interface Csr {
  shape: [number, number];
  indptr: number[];
  indices: number[];
  data: number[];
}
interface Case {
  name: string;
  kind: "count" | "tfidf";
  params: Record<string, unknown>;
  corpus: "small" | "shakespeare";
  features: string[];
  fitTransform: Csr;
  transform: Csr;
  idf?: number[];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/text/text_vectorizers.json", import.meta.url), "utf8")) as {
  sklearn: string;
  regex: { texts: string[]; cases: { pattern: string; matches: (string | string[])[][] }[] };
  corpora: Record<string, { docs: string[]; heldOut: string[] }>;
  cases: Case[];
};

/** scikit-learn's keyword arguments → deepscript's options. */
function options(params: Record<string, unknown>): CountVectorizerOptions & TfidfOptions {
  const keys: Record<string, string> = {
    lowercase: "lowercase", ngram_range: "ngramRange", analyzer: "analyzer", min_df: "minDf", max_df: "maxDf",
    max_features: "maxFeatures", binary: "binary", stop_words: "stopWords", strip_accents: "stripAccents",
    token_pattern: "tokenPattern", norm: "norm", use_idf: "useIdf", smooth_idf: "smoothIdf", sublinear_tf: "sublinearTf",
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (!(k in keys)) throw new Error(`no mapping for ${k}`);
    out[keys[k]!] = v as DfLimit;
  }
  return out;
}

/** Relative closeness of two floats (the idf logs may differ from numpy's in the last bit). */
function expectClose(actual: number, expected: number, what: string): void {
  if (Math.abs(actual - expected) > 1e-14 * Math.max(1, Math.abs(expected))) expect(actual, what).toBe(expected);
}

function expectMatrix(m: SparseMatrix, ref: Csr, what: string): void {
  expect([m.rows, m.cols], `${what} shape`).toEqual(ref.shape);
  expect(Array.from(m.indptr), `${what} indptr`).toEqual(ref.indptr);
  expect(Array.from(m.indices), `${what} indices`).toEqual(ref.indices);
  ref.data.forEach((v, k) => expectClose(m.data[k]!, v, `${what} value ${k}`));
}

describe("CountVectorizer and TfidfVectorizer equal scikit-learn", () => {
  it(`the fixture comes from scikit-learn ${fixture.sklearn}`, () => {
    expect(fixture.sklearn).toMatch(/^1\.9\./);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: vocabulary, idf and matrices`, () => {
      const { docs, heldOut } = fixture.corpora[c.corpus]!;
      const vec = c.kind === "count" ? new CountVectorizer(options(c.params)) : new TfidfVectorizer(options(c.params));
      const X = vec.fitTransform(docs);
      expect(vec.getFeatureNamesOut()).toEqual(c.features);
      if (c.idf) {
        const idf = (vec as TfidfVectorizer).idf!;
        expect(idf.length).toBe(c.idf.length);
        c.idf.forEach((v, j) => expectClose(idf[j]!, v, `idf of ${c.features[j]}`));
      }
      expectMatrix(X, c.fitTransform, "fitTransform");
      expectMatrix(vec.transform(heldOut), c.transform, "transform");
    });
  }
});

describe("pythonRegex finds what Python's re.findall finds", () => {
  for (const c of fixture.regex.cases) {
    it(c.pattern, () => {
      const re = pythonRegex("test", c.pattern);
      const groups = new RegExp(`${re.source}|`, re.flags.replace("g", "")).exec("")!.length - 1;
      fixture.regex.texts.forEach((text, i) => {
        const found = [...text.matchAll(re)].map((m) => (groups === 0 ? m[0] : groups === 1 ? m[1] : m.slice(1)));
        expect(found, JSON.stringify(text)).toEqual(c.matches[i]);
      });
    });
  }
});

describe("vectorizer options", () => {
  const docs = fixture.corpora.small!.docs;

  it("df limits as plain numbers read as scikit-learn's int/float (maxDf 1 = all documents, minDf 1 = one document)", () => {
    const fraction = new CountVectorizer({ minDf: 2, maxDf: 0.5 }).fit(docs).getFeatureNamesOut();
    expect(fraction).toEqual(new CountVectorizer({ minDf: { count: 2 }, maxDf: { fraction: 0.5 } }).fit(docs).getFeatureNamesOut());
    expect(new CountVectorizer({ maxDf: 1 }).fit(docs).getFeatureNamesOut()).toEqual(new CountVectorizer().fit(docs).getFeatureNamesOut());
    const atMostOne = new CountVectorizer({ maxDf: { count: 1 } }).fit(docs).getFeatureNamesOut();
    expect(atMostOne).toEqual(fixture.cases.find((c) => c.name === "count-maxdf-count-1")!.features);
  });

  it("the default token pattern is Python's (?u)\\b\\w\\w+\\b: Unicode letters and digits, no combining marks, runs of ≥ 2", () => {
    const re = pythonRegex("test", "(?u)\\b\\w\\w+\\b");
    expect("naïve Zürich x² 東京 e\u0301te\u0301 a_b I 42".match(re)).toEqual(["naïve", "Zürich", "x²", "東京", "te", "a_b", "42"]);
  });

  it("a fixed vocabulary counts only its terms, in its order", () => {
    const cv = new CountVectorizer({ vocabulary: ["fox", "dog", "zebra"] });
    expect(cv.fitTransform(["The dog and the fox, dog."]).toArray()).toEqual([[1, 2, 0]]);
    expect(cv.getFeatureNamesOut()).toEqual(["fox", "dog", "zebra"]);
  });

  it("toTensor gives the dense matrix", () => {
    const X = new TfidfVectorizer().fitTransform(["a cat", "a dog cat"]);
    const dense = X.toTensor({ dtype: "float64" });
    expect(dense.shape).toEqual([2, 2]);
    expect(dense.toArray()).toEqual(X.toArray());
  });

  it("the transformer works on any count matrix and refuses a mismatched one", () => {
    const counts = new CountVectorizer().fitTransform(docs);
    const t = new TfidfTransformer().fit(counts);
    expect(t.transform(counts).toArray()).toEqual(new TfidfVectorizer().fitTransform(docs).toArray());
    const other = SparseMatrix.fromRows([new Map([[0, 1]])], 3);
    expect(() => t.transform(other)).toThrow(/TfidfTransformer.transform: the matrix has 3 columns but the transformer was fitted on 49/);
  });

  it("bad options and inputs are errors naming the vectorizer and the value", () => {
    expect(() => new CountVectorizer({ ngramRange: [2, 1] })).toThrow(/CountVectorizer: ngramRange must be \[minN, maxN\].*\[2,1\]/);
    expect(() => new TfidfVectorizer({ norm: "l3" as never })).toThrow(/TfidfTransformer: norm must be "l1", "l2" or null, got "l3"/);
    expect(() => new TfidfVectorizer({ maxDf: 1.5 })).toThrow(/TfidfVectorizer: maxDf 1.5 is neither a document count/);
    expect(() => new CountVectorizer({ tokenPattern: "(a)(b)" })).toThrow(/2 capturing groups/);
    expect(() => new CountVectorizer().fitTransform("one document" as never)).toThrow(/CountVectorizer.fitTransform: expected an array of documents.*one string/);
    expect(() => new CountVectorizer().transform(["x"])).toThrow(/CountVectorizer.transform: the vectorizer is not fitted yet/);
    expect(() => new CountVectorizer({ minDf: 3, maxDf: 2 }).fit(docs)).toThrow(/maxDf corresponds to fewer documents \(2\) than minDf \(3\)/);
    expect(() => new CountVectorizer({ minDf: 9 }).fit(docs)).toThrow(/after pruning, no terms remain/);
    expect(() => new CountVectorizer({ stopWords: ["a"] }).fit(["a a", ""])).toThrow(/empty vocabulary/);
  });
});
