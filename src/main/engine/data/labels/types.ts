/** A label value: binary labels are 1/0, numbers stay numbers, categories are strings; null is unknown. */
export type LabelValue = number | string | null

/**
 * What the image pipeline estimated from one image's pixels (e.g. a face's `happy` 0..1,
 * `age` in years, `gender`): known values only, stored beside the artist's labels.
 */
export type EstimatedLabels = Record<string, number | string>

/** A problem with one line of a label file, kept for the ingest report. */
export interface LabelProblem {
  /** 1-based line number in the label file (0 for the file as a whole). */
  line: number
  reason: string
}

/** A parsed label file: attribute names, and for each file name (as written in the file) its values. */
export interface LabelTable {
  names: string[]
  rows: Map<string, Record<string, LabelValue>>
  problems: LabelProblem[]
}
