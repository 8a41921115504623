import { z } from 'zod'
import { event, job, request } from './define'
import { limitMessage, LIMITS } from './limits'
import { absolutePath, projectDir } from './params'

/**
 * How a source image is made square: the face found in it, aligned to CelebA's framing
 * (offered first); a centre crop; the CelebA crop; or padded to fit.
 */
export const CROP_MODES = ['face', 'center', 'celeba', 'fit'] as const
export type CropModeName = (typeof CROP_MODES)[number]

/** With `face` crop, what becomes of a photo in which no face is found: skipped (reported), or centre-cropped. */
export const NO_FACE_CHOICES = ['skip', 'center'] as const

/**
 * With `face` crop, which faces of a photo become dataset images: the largest confident
 * one (the default), or each confident face as its own image.
 */
export const FACES_CHOICES = ['largest', 'all'] as const
export type FacesChoice = (typeof FACES_CHOICES)[number]

/**
 * A face found in a source photo, as the dataset index keeps it (so a re-ingest never
 * detects again): box, eye centres, nose tip and mouth corners in the photo's pixels
 * (after EXIF orientation), and the detector's confidence.
 */
export interface FaceRecord {
  box: { x: number; y: number; width: number; height: number }
  score: number
  leftEye: { x: number; y: number }
  rightEye: { x: number; y: number }
  nose: { x: number; y: number }
  mouthLeft: { x: number; y: number }
  mouthRight: { x: number; y: number }
  /** The aligned crop reached past the photo's edge and was padded by reflection. */
  reflected?: boolean
}

/** Model input sizes a dataset can be made at. */
export const DATASET_SIZES = [32, 64, 128] as const
export type ImageSize = (typeof DATASET_SIZES)[number]

export function isImageSize(size: number): size is ImageSize {
  return (DATASET_SIZES as readonly number[]).includes(size)
}

/** Most images one dataset may hold (200,000 at 64x64 is 2.4 GB of pixels). */
export const MAX_DATASET_IMAGES = LIMITS.datasetImages

const labelSpec = z
  .object({
    /** A label file: CelebA `list_attr_celeba.txt`, or a CSV/TSV with a file-name column. */
    file: absolutePath.optional(),
    kind: z.enum(['auto', 'celeba', 'csv', 'tsv']).default('auto'),
    /** A file-name pattern, e.g. `{age}_{gender}_{race}_{date}.jpg.chip.jpg`. */
    pattern: z.string().min(1).max(500).optional(),
    /** The sub-folder an image is in becomes its `folder` label. */
    folders: z.boolean().default(false),
  })
  .strict()

const ingestSource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('folder'),
      folder: absolutePath,
      crop: z.enum(CROP_MODES).default('center'),
      /** `face` crop only: what to do with photos without a face. */
      noFace: z.enum(NO_FACE_CHOICES).default('skip'),
      /** `face` crop only: the largest face of each photo, or every confident face. */
      faces: z.enum(FACES_CHOICES).default('largest'),
      /** Left out on a re-ingest of the same folder: the previous label sources are used again. */
      labels: labelSpec.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('demo'),
      count: z.number().int().min(1).max(MAX_DATASET_IMAGES, limitMessage('datasetImages')),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .default(1),
    })
    .strict(),
])

/** Where an ingest takes labels from; any combination. */
export interface LabelSources {
  /** A label file (absolute path): CelebA attribute list, CSV or TSV. */
  file?: string
  /** How to read `file`; 'auto' looks at its name and first lines. */
  kind?: 'auto' | 'celeba' | 'csv' | 'tsv'
  /** A file-name pattern, e.g. `{age}_{gender}_{race}_{date}.jpg.chip.jpg`. */
  pattern?: string
  /** Label each image with the sub-folder it is in (label name `folder`). */
  folders?: boolean
}

/** One file passed over by an ingest, and why. */
export interface SkippedImage {
  file: string
  reason: string
  /**
   * 'duplicate' (same content as a kept file), 'invalid' (cannot be decoded), 'unreadable'
   * (cannot be read or opened), 'unsupported' (a picture format the app does not read, e.g. PSD),
   * 'no-face' (the face crop found no face in it).
   */
  kind: 'duplicate' | 'invalid' | 'unreadable' | 'unsupported' | 'no-face'
  /** The format its content was judged to be ('JPEG', 'PSD'), when one was recognised. */
  format?: string
  /** Size and time of the file when it was judged, so an unchanged bad file is not decoded again. */
  bytes?: number
  mtimeMs?: number
}

/**
 * Where a label's values come from: the artist (a label file, a file-name pattern, sub-folders)
 * or estimated by the engine from the pixels. Per image, the artist's value wins.
 */
export const LABEL_SOURCES = ['artist', 'estimated'] as const
export type LabelSource = (typeof LABEL_SOURCES)[number]

/** How many skipped files share a detected format and a reason. */
export interface SkippedFormatCount {
  /** The format as detected from the content, or 'unrecognised'. */
  format: string
  reason: string
  count: number
}

/** What one label looks like across a dataset. */
export interface LabelSummary {
  name: string
  kind: 'binary' | 'number' | 'category'
  /** 'estimated' when any image's value is an estimate (the artist gave none for it). */
  source: LabelSource
  /** Images whose value is known. */
  known: number
  /** Of those, images whose value is an estimate (present when any). */
  estimated?: number
  /** Binary labels: images with the value 1. */
  positives?: number
  /** Numbers: range and mean of the known values. */
  min?: number
  max?: number
  mean?: number
  /** Categories: the most common values with their counts. */
  values?: { value: string; count: number }[]
  /**
   * Set when the artist marked the label categorical (UTK's race 0-4, a hair
   * colour): each value is its own attribute ("race = 2 vs the rest") rather
   * than a number with a mean. `names` gives values a name ("2": "asian").
   */
  categorical?: { names: Record<string, string> }
}

/** A label value's name: at most this many characters. */
export const MAX_VALUE_NAME = 60

/** What an ingest job ends with: its report, the skipped list cut to its first 100 (all are in `dataset.info`). */
export type IngestSummary = IngestReport & { skippedCount: number }

/** The record of one ingest: saved as `dataset/report.json` and returned by the job. */
export interface IngestReport {
  source:
    | {
        kind: 'folder'
        folder: string
        crop: CropModeName
        noFace?: (typeof NO_FACE_CHOICES)[number]
        /** Present (as 'all') when every face of a photo became its own image. */
        faces?: 'all'
        labels?: LabelSources
      }
    | { kind: 'synthetic'; seed: number }
  size: number
  startedAt: string
  seconds: number
  /** Images in the dataset now. */
  images: number
  /** Image files found by the scan. */
  found: number
  /** Decoded this time. */
  processed: number
  /** Taken unchanged from the previous ingest (same size and time, or same content). */
  reused: number
  /** Files found but not used, each with its reason (listed in full). */
  skipped: SkippedImage[]
  /** The skipped files counted by detected format and reason, largest first ("PSD: not supported; 12 files"). */
  skippedByFormat: SkippedFormatCount[]
  /** Files that are no image by name or content (label files, notes): not read. */
  otherFiles: number
  /** Images per second over the whole ingest, and decodes per second while decoding. */
  imagesPerSecond: number
  decodePerSecond: number
  labels: {
    sources: string[]
    summary: LabelSummary[]
    labelled: number
    unlabelledFiles: string[]
    unlabelledCount: number
    unmatchedRows: string[]
    unmatchedRowCount: number
    patternMisses: string[]
    patternMissCount: number
    problems: { line: number; reason: string }[]
  }
  /** One line for people. */
  message: string
}

export interface DatasetInfo {
  project: string
  size: number
  count: number
  source: IngestReport['source']
  labels: LabelSummary[]
  /** The last ingest's report, or null for a dataset written by other means. */
  report: IngestReport | null
  pixelBytes: number
  writtenAt: string
}

/** A page of preprocessed images for the grid: RGB bytes, `count` x size x size x 3. */
export interface DatasetThumbnails {
  size: number
  /** Images in the dataset, and after `where`. */
  total: number
  matching: number
  offset: number
  /** Dataset indices of the images on this page. */
  indices: Int32Array
  files: string[]
  labels: Record<string, number | string | null>[]
  pixels: Uint8Array
}

/** How many images a face probe tries, at most; the Dataset panel asks for the first 5. */
export const MAX_FACE_PROBE = 20

/** What the detector found in the first images of a folder (`dataset.faces.probe`). */
export interface FaceProbe {
  folder: string
  /** Images tried (fewer than asked when the folder holds fewer). */
  tried: number
  /** Of those, images holding a face. */
  withFace: number
  /** Each tried image, relative to the folder, and whether a face was found in it. */
  files: { file: string; face: boolean }[]
}

/** The longest side of the source photo copy `dataset.faces.source` serves. */
export const MAX_SOURCE_SIDE = 256

/**
 * A downscaled copy of the photo a face-cropped dataset image came from, with the face it
 * shows (`dataset.faces.source`): what the hover card draws the face box on.
 */
export interface FaceSource {
  index: number
  /** The photo, relative to the ingested folder. */
  file: string
  /** The copy: `width` x `height` RGB bytes, its long side at most the side asked for. */
  width: number
  height: number
  pixels: Uint8Array
  /** Copy pixels per photo pixel: the face's coordinates times this fall on the copy. */
  scale: number
  face: FaceRecord
}

/** Progress of an ingest, a few times a second. */
export interface IngestProgress {
  jobId: string
  project: string
  phase: 'scanning' | 'reading' | 'rendering' | 'labels' | 'writing'
  /** Files to handle in this phase, and handled so far. */
  total: number
  done: number
  processed: number
  reused: number
  skipped: number
  imagesPerSecond: number
}

export const datasetRequests = {
  /** Builds the project's dataset from a folder or the synthetic faces; returns the job. */
  'dataset.ingest': job<IngestSummary>()(
    z
      .object({
        project: projectDir,
        source: ingestSource,
        size: z
          .union(
            DATASET_SIZES.map((s) => z.literal(s)) as [
              z.ZodLiteral<32>,
              z.ZodLiteral<64>,
              z.ZodLiteral<128>,
            ],
          )
          .default(64),
      })
      .strict(),
  ),
  /** Counts, labels with their positives, and the last ingest's report; null when there is no dataset yet. */
  'dataset.info': request<DatasetInfo | null>()(z.object({ project: projectDir }).strict()),
  /** A page of preprocessed images with their labels, optionally only those where `label` equals `value`. */
  'dataset.thumbnails': request<DatasetThumbnails>()(
    z
      .object({
        project: projectDir,
        offset: z.number().int().min(0).max(MAX_DATASET_IMAGES).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
        where: z
          .object({
            label: z.string().min(1).max(200),
            value: z.union([z.number(), z.string().max(200), z.null()]),
          })
          .strict()
          .optional(),
      })
      .strict(),
  ),
  /**
   * Runs the face detector on the first `sample` images of a folder and says how many hold
   * a face, so the face crop can be the default for a folder of photos of people.
   */
  'dataset.faces.probe': request<FaceProbe>()(
    z
      .object({
        folder: absolutePath,
        sample: z.number().int().min(1).max(MAX_FACE_PROBE).default(5),
      })
      .strict(),
  ),
  /**
   * The photo dataset image `index` was cropped from, downscaled to `side` at most, with its
   * face box; null for an image that shows no found face. The photo is only read.
   */
  'dataset.faces.source': request<FaceSource | null>()(
    z
      .object({
        project: projectDir,
        index: z.number().int().min(0).max(MAX_DATASET_IMAGES),
        side: z.number().int().min(16).max(MAX_SOURCE_SIDE).default(MAX_SOURCE_SIDE),
      })
      .strict(),
  ),
  /**
   * Marks a label categorical or not, and names its values (kept in `atelier.json`);
   * returns the dataset's labels as `dataset.info` shows them.
   */
  'dataset.labels.categorical': request<LabelSummary[]>()(
    z
      .object({
        project: projectDir,
        label: z.string().min(1).max(200),
        categorical: z.boolean(),
        /** Value (as text, "2") to its name ("asian"); an empty name removes it. */
        names: z
          .record(z.string().min(1).max(200), z.string().trim().max(MAX_VALUE_NAME))
          .optional(),
      })
      .strict(),
  ),
}

export const datasetEvents = {
  'dataset.progress': event<IngestProgress>(),
}
