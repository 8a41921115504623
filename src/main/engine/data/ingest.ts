import { createHash } from 'node:crypto'
import { open, readFile, realpath, stat, type FileHandle } from 'node:fs/promises'
import { relative, isAbsolute } from 'node:path'
import {
  MAX_DATASET_IMAGES,
  type FacesChoice,
  type IngestProgress,
  type IngestReport,
  type SkippedFormatCount,
  type SkippedImage,
} from '@shared/contract'
import { perSecond, progressThrottle, RateMeter } from '@shared/pace'
import { EngineError } from '@shared/protocol'
import { writeJsonAtomic } from '../project/atomic'
import { makeProjectFolder } from '../project/lock'
import { ImageRejected, MAX_FILE_BYTES } from './decode'
import { facePipeline, type KnownFaces, type NoFaceChoice } from './faces/face-crop'
import { GrowingPixels } from './growing-pixels'
import {
  attachLabels,
  emptyLabelReport,
  type AttachedLabels,
  type LabelSpec,
} from './labels/attach'
import {
  cleanEstimates,
  estimatedLabelNamesOf,
  mergedLabelNames,
  summarizeDatasetLabels,
} from './labels/estimated'
import { decodePipeline, FILES_IN_FLIGHT, type ImagePipeline, type PreparedImage } from './pipeline'
import { readSource } from './read-source'
import { summarizeLabels } from './labels/summary'
import { errorText, scanFolder, type ScanResult, type ScannedFile } from './scan'
import {
  checkDatasetFits,
  datasetFiles,
  imageBytes,
  readDatasetIndex,
  writeDataset,
  type CropMode,
  type DatasetImage,
  type DatasetIndex,
} from './store'
import { renderSyntheticFaces, SYNTHETIC_LABELS } from './synthetic'

export interface FolderIngestOptions {
  folder: string
  size: number
  crop: CropMode
  /** With `face` crop: skip photos without a face (the default) or centre-crop them. */
  noFace?: NoFaceChoice
  /** With `face` crop: the largest face of each photo (the default), or each confident face. */
  faces?: FacesChoice
  /** Label sources; undefined on a re-ingest of the same folder means "the ones used last time". */
  labels?: LabelSpec
  /** Files in flight at once (`FILES_IN_FLIGHT` by default). */
  concurrency?: number
  /** Makes each new or changed file's dataset image (and estimated labels); decode and crop by default. */
  pipeline?: ImagePipeline
}

export interface DemoIngestOptions {
  count: number
  seed: number
  size: number
}

/** A progress report before the handler names its job and project. */
export type IngestProgressInfo = Omit<IngestProgress, 'jobId' | 'project'>

/** What an ingest needs from its job: pause/cancel points and a progress voice. */
export interface IngestHooks {
  checkpoint?: () => Promise<void>
  progress?: (p: IngestProgressInfo) => void
}

/** Images of the previous dataset that an ingest may reuse without decoding. */
interface Previous {
  index: DatasetIndex
  handle: FileHandle
  /** A file's images in the previous dataset (several with `--faces all`), and a content's. */
  byFile: Map<string, number[]>
  byHash: Map<string, number[]>
  rejected: Map<string, SkippedImage>
}

/** Faces found by earlier ingests, by content hash: a re-ingest (at any size) never detects again. */
type FacesByHash = Map<string, KnownFaces>

/** How one found file ended: its images (one, or one per face) and where their pixels are. */
type Outcome =
  | { kind: 'kept'; hash: string; images: DatasetImage[]; positions: number[]; decoded: boolean }
  | { kind: 'skipped'; skip: SkippedImage }

/**
 * Builds the project's dataset from an image folder: scans it, decodes each
 * image once (files unchanged since the last ingest are reused by size and
 * time, then by content hash), drops duplicates, attaches labels, and writes
 * the dataset and its report. Source files are only ever opened for reading.
 * Nothing is written when the job is cancelled or no image is usable.
 */
export async function ingestFolder(
  projectDir: string,
  options: FolderIngestOptions,
  hooks: IngestHooks = {},
): Promise<IngestReport> {
  const started = Date.now()
  const folder = await checkFolder(projectDir, options.folder)
  await makeProjectFolder(projectDir)
  const scan = await scanWithProgress(folder, hooks)
  const previous = await openPrevious(projectDir, folder.path, options)
  const knownFaces: FacesByHash =
    options.crop === 'face' ? await readKnownFaces(projectDir) : new Map()
  const labelSpec =
    options.labels ??
    (previous?.index.source.kind === 'folder' ? previous.index.source.labels : undefined)

  try {
    checkFolderFits(folder.path, scan.files.length, options.size)
    const pixels = new GrowingPixels(options.size, scan.files.length)
    const read = await readFiles(
      scan.files,
      (file, slot) => ingestOne(file, slot, pixels, options, previous, knownFaces),
      options.concurrency ?? FILES_IN_FLIGHT,
      hooks,
    )
    await hooks.checkpoint?.()
    const kept = keepFirstOfEachContent(read.outcomes, scan.skipped)
    if (kept.images.length === 0) {
      throw new EngineError(
        'bad_request',
        noImagesMessage(folder.path, scan.otherFileTypes, kept.skipped),
      )
    }
    const tally = { ...read.tally, done: 0, skipped: kept.skipped.length }
    hooks.progress?.(ingestProgress('labels', kept.images.length, tally))
    const labels = await labelImages(kept.images, labelSpec)

    await hooks.checkpoint?.()
    hooks.progress?.(ingestProgress('writing', kept.images.length, tally))
    const source = folderSource(folder.path, options, labelSpec)
    if (!sameAsPrevious(previous, kept, source, labels)) {
      await writeDataset(projectDir, {
        size: options.size,
        count: kept.images.length,
        images: kept.images,
        pixels: pixels.gather(kept.order),
        labelNames: labels.labelNames,
        estimatedLabelNames: labels.estimatedLabelNames,
        source,
      })
    }
    const report = folderReport({ source, options, started, scan, read, kept, labels })
    await writeJsonAtomic(datasetFiles(projectDir).report, report)
    return report
  } finally {
    await previous?.handle.close()
  }
}

/** Files read so far, by how they ended: decoded (processed), reused, or skipped. */
interface Tally {
  done: number
  processed: number
  reused: number
  skipped: number
}

/** A progress report of `phase`, `total` to handle in it. */
function ingestProgress(
  phase: IngestProgressInfo['phase'],
  total: number,
  tally: Tally,
  imagesPerSecond = 0,
): IngestProgressInfo {
  return { phase, total, ...tally, imagesPerSecond }
}

/** Scans the folder (the project folder left out), telling how many files it found so far. */
async function scanWithProgress(
  folder: { path: string; projectReal: string },
  hooks: IngestHooks,
): Promise<ScanResult> {
  const found = (done: number) =>
    ingestProgress('scanning', 0, { done, processed: 0, reused: 0, skipped: 0 })
  hooks.progress?.(found(0))
  return scanFolder(folder.path, {
    exclude: [folder.projectReal],
    progress: (count) => hooks.progress?.(found(count)),
  })
}

function checkFolderFits(folder: string, files: number, size: number): void {
  if (files > MAX_DATASET_IMAGES) {
    throw new EngineError(
      'bad_request',
      `${folder} holds ${files} images; a dataset takes at most ${MAX_DATASET_IMAGES} (limit datasetImages). Choose a sub-folder or a smaller selection.`,
    )
  }
  checkDatasetFits(files, size)
}

/** The found files' outcomes (in their order), how they ended, and the seconds it took. */
interface ReadFiles {
  outcomes: Outcome[]
  tally: Tally
  seconds: number
}

/**
 * Reads every found file into its outcome, `concurrency` at a time, waiting at the job's
 * checkpoint before each and telling progress about ten times a second.
 */
async function readFiles(
  files: ScannedFile[],
  readOne: (file: ScannedFile, slot: number) => Promise<Outcome>,
  concurrency: number,
  hooks: IngestHooks,
): Promise<ReadFiles> {
  const outcomes: Outcome[] = new Array(files.length)
  const tally: Tally = { done: 0, processed: 0, reused: 0, skipped: 0 }
  const throttle = progressThrottle()
  const speed = new RateMeter()
  const report = (force: boolean) => {
    if (!throttle.pass(force)) return
    const imagesPerSecond = speed.record(tally.done)
    hooks.progress?.(ingestProgress('reading', files.length, tally, imagesPerSecond))
  }
  let next = 0
  const worker = async () => {
    while (next < files.length) {
      const slot = next++
      await hooks.checkpoint?.()
      outcomes[slot] = await readOne(files[slot], slot)
      countOutcome(tally, outcomes[slot])
      report(false)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker))
  report(true)
  return { outcomes, tally, seconds: speed.seconds() }
}

function countOutcome(tally: Tally, outcome: Outcome): void {
  tally.done++
  if (outcome.kind === 'skipped') tally.skipped++
  else if (outcome.decoded) tally.processed++
  else tally.reused++
}

/** The images kept (the first file of each content), where their pixels are, and every skip. */
interface Kept {
  images: DatasetImage[]
  order: number[]
  /** Skipped files, the scan's and the duplicates included, by name. */
  skipped: SkippedImage[]
  decoded: number
  reused: number
}

/** Keeps the first file of each content hash (files are in name order), and lists the rest as skipped. */
function keepFirstOfEachContent(outcomes: Outcome[], scanSkipped: ScanResult['skipped']): Kept {
  const skipped: SkippedImage[] = scanSkipped.map(({ unsupportedFormat, ...s }) =>
    unsupportedFormat
      ? { ...s, kind: 'unsupported', format: unsupportedFormat }
      : { ...s, kind: 'unreadable' },
  )
  const kept: Kept = { images: [], order: [], skipped, decoded: 0, reused: 0 }
  const keptByHash = new Map<string, string>()
  for (const outcome of outcomes) {
    if (outcome.kind === 'skipped') {
      skipped.push(outcome.skip)
      continue
    }
    const file = outcome.images[0].file
    const first = keptByHash.get(outcome.hash)
    if (first !== undefined) {
      skipped.push({ file, reason: `duplicate of ${first} (same content)`, kind: 'duplicate' })
      continue
    }
    keptByHash.set(outcome.hash, file)
    if (outcome.decoded) kept.decoded++
    else kept.reused++
    kept.images.push(...outcome.images)
    kept.order.push(...outcome.positions)
  }
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
  return kept
}

/** The labels attached to the kept images (in place), and the names of those they have. */
interface Labelled {
  labelNames: string[]
  estimatedLabelNames: string[]
  report: AttachedLabels['report']
}

async function labelImages(images: DatasetImage[], spec: LabelSpec | undefined): Promise<Labelled> {
  const attached = await attachLabels(
    images.map((im) => im.file),
    spec ?? {},
  )
  images.forEach((im, i) => {
    im.labels = attached.labels[i]
  })
  const estimatedLabelNames = estimatedLabelNamesOf(images)
  return { labelNames: attached.labelNames, estimatedLabelNames, report: attached.report }
}

function folderSource(folder: string, options: FolderIngestOptions, labels: LabelSpec | undefined) {
  return {
    kind: 'folder' as const,
    folder,
    crop: options.crop,
    ...(options.crop === 'face' ? { noFace: options.noFace ?? 'skip' } : {}),
    ...(options.crop === 'face' && options.faces === 'all' ? { faces: 'all' as const } : {}),
    ...(labels ? { labels } : {}),
  }
}

/** Nothing changed (same files, times, hashes, labels): the dataset on disk is already this one. */
function sameAsPrevious(
  previous: Previous | null,
  kept: Kept,
  source: ReturnType<typeof folderSource>,
  labels: Labelled,
): boolean {
  return (
    previous !== null &&
    kept.decoded === 0 &&
    JSON.stringify(previous.index.source) === JSON.stringify(source) &&
    JSON.stringify(previous.index.labelNames) === JSON.stringify(labels.labelNames) &&
    JSON.stringify(previous.index.estimatedLabelNames ?? []) ===
      JSON.stringify(labels.estimatedLabelNames) &&
    JSON.stringify(previous.index.images) === JSON.stringify(kept.images)
  )
}

/** The report of a folder ingest, with its one line for people. */
function folderReport(run: {
  source: ReturnType<typeof folderSource>
  options: FolderIngestOptions
  started: number
  scan: ScanResult
  read: ReadFiles
  kept: Kept
  labels: Labelled
}): IngestReport {
  const { source, options, scan, read, kept, labels } = run
  const { images, skipped } = kept
  const seconds = (Date.now() - run.started) / 1000
  const duplicates = skipped.filter((s) => s.kind === 'duplicate').length
  const { labelNames, estimatedLabelNames } = labels
  const labelCount = mergedLabelNames(labelNames, estimatedLabelNames).length
  return {
    source,
    size: options.size,
    startedAt: new Date(run.started).toISOString(),
    seconds,
    images: images.length,
    found: scan.files.length,
    processed: kept.decoded,
    reused: kept.reused,
    skipped,
    skippedByFormat: countByFormat(skipped),
    otherFiles: scan.otherFiles,
    imagesPerSecond: perSecond(scan.files.length, seconds),
    decodePerSecond: perSecond(read.tally.processed, read.seconds),
    labels: {
      ...labels.report,
      summary: summarizeDatasetLabels({ labelNames, estimatedLabelNames, images }),
    },
    message:
      `${images.length} images of ${options.size}x${options.size} from ${source.folder}` +
      ` (${kept.decoded} decoded, ${kept.reused} unchanged)` +
      (skipped.length
        ? `; ${skipped.length} skipped${duplicates ? ` (${duplicates} duplicates)` : ''}`
        : '') +
      (labelCount ? `; ${labelCount} labels` : ''),
  }
}

/** Makes the synthetic-faces dataset (the embedded default): `count` faces, deterministic by `seed`. */
export async function ingestDemo(
  projectDir: string,
  options: DemoIngestOptions,
  hooks: IngestHooks = {},
): Promise<IngestReport> {
  checkDatasetFits(options.count, options.size)
  await makeProjectFolder(projectDir)
  const started = Date.now()
  const throttle = progressThrottle()
  const speed = new RateMeter()
  const { pixels, images } = await renderSyntheticFaces(options.count, options.size, options.seed, {
    checkpoint: hooks.checkpoint,
    progress: ({ done, total }) => {
      if (!throttle.pass(done >= total)) return
      const tally = { done, processed: done, reused: 0, skipped: 0 }
      hooks.progress?.(ingestProgress('rendering', total, tally, speed.record(done)))
    },
  })
  await hooks.checkpoint?.()
  const labelNames = [...SYNTHETIC_LABELS]
  const source = { kind: 'synthetic' as const, seed: options.seed }
  const tally = { done: 0, processed: images.length, reused: 0, skipped: 0 }
  hooks.progress?.(ingestProgress('writing', images.length, tally))
  await writeDataset(projectDir, {
    size: options.size,
    count: images.length,
    images,
    pixels,
    labelNames,
    source,
  })
  const seconds = (Date.now() - started) / 1000
  const report: IngestReport = {
    source,
    size: options.size,
    startedAt: new Date(started).toISOString(),
    seconds,
    images: images.length,
    found: images.length,
    processed: images.length,
    reused: 0,
    skipped: [],
    skippedByFormat: [],
    otherFiles: 0,
    imagesPerSecond: perSecond(images.length, seconds),
    decodePerSecond: perSecond(images.length, seconds),
    labels: {
      ...emptyLabelReport(['synthetic faces (ground truth from facesjs)']),
      labelled: images.length,
      summary: summarizeLabels(labelNames, images),
    },
    message: `${images.length} synthetic faces of ${options.size}x${options.size} (seed ${options.seed})`,
  }
  await writeJsonAtomic(datasetFiles(projectDir).report, report)
  return report
}

/** The last ingest's report, or null. */
export async function readIngestReport(projectDir: string): Promise<IngestReport | null> {
  try {
    return JSON.parse(await readFile(datasetFiles(projectDir).report, 'utf8')) as IngestReport
  } catch {
    return null
  }
}

/**
 * Reads, hashes and decodes one file into its images: the first at `slot`, any more
 * (other faces of the photo) appended; or reuses the previous ingest's pixels.
 */
async function ingestOne(
  file: ScannedFile,
  slot: number,
  pixels: GrowingPixels,
  options: FolderIngestOptions,
  previous: Previous | null,
  knownFaces: FacesByHash,
): Promise<Outcome> {
  const skip = skipFor(file)
  const position = (k: number) => (k === 0 ? slot : pixels.add())
  const unchanged = previous && (await unchangedSincePrevious(previous, file, pixels, position))
  if (unchanged) return unchanged
  if (file.bytes === 0) return skip('invalid', 'empty file (0 bytes)')
  if (file.bytes > MAX_FILE_BYTES) {
    return skip(
      'invalid',
      `file is ${Math.round(file.bytes / 1e6)} MB, over the ${MAX_FILE_BYTES / 1024 / 1024} MB limit (imageFileBytes)`,
    )
  }
  let content: Buffer
  try {
    content = await readSource(file.path, file.bytes)
  } catch (error) {
    return skip('unreadable', `cannot read file (${errorText(error)})`)
  }
  const hash = createHash('sha1').update(content).digest('hex')
  const read = { file: file.file, bytes: content.length, mtimeMs: file.mtimeMs }
  const same = previous?.byHash.get(hash)
  if (previous && same !== undefined) {
    return reusePrevious(previous, same, read, hash, pixels, position)
  }
  const pipeline =
    options.crop === 'face'
      ? facePipeline(options.noFace ?? 'skip', options.faces ?? 'largest', knownFaces.get(hash))
      : (options.pipeline ?? decodePipeline)
  let prepared
  try {
    prepared = await pipeline({ content, file: file.file, size: options.size, crop: options.crop })
  } catch (error) {
    if (error instanceof ImageRejected) {
      return skip(error.kind, error.reason, error.format)
    }
    return skip('invalid', `cannot decode image (${errorText(error)})`)
  }
  const made = Array.isArray(prepared) ? prepared : [prepared]
  return keepPrepared(
    made,
    { read, hash, several: options.faces === 'all' },
    pixels,
    position,
    skip,
  )
}

/** How a file is skipped: its kind of problem and the reason, in words. */
type Skip = (kind: SkippedImage['kind'], reason: string, format?: string | null) => Outcome

function skipFor(file: ScannedFile): Skip {
  return (kind, reason, format = file.format) => ({
    kind: 'skipped',
    skip: {
      file: file.file,
      reason,
      kind,
      ...(format ? { format } : {}),
      bytes: file.bytes,
      mtimeMs: file.mtimeMs,
    },
  })
}

/**
 * What the previous ingest made of a file of the same size and time: its images again, or its
 * skip again (a bad file is not judged twice); null when it is new or changed.
 */
async function unchangedSincePrevious(
  previous: Previous,
  file: ScannedFile,
  pixels: GrowingPixels,
  position: (k: number) => number,
): Promise<Outcome | null> {
  const same = (was: { bytes?: number; mtimeMs?: number }) =>
    was.bytes === file.bytes && was.mtimeMs === file.mtimeMs
  const at = previous.byFile.get(file.file)
  const old = at === undefined ? undefined : previous.index.images[at[0]]
  if (old && at !== undefined && same(old)) {
    const base = { file: file.file, bytes: file.bytes, mtimeMs: file.mtimeMs }
    return reusePrevious(previous, at, base, old.hash, pixels, position)
  }
  const rejected = previous.rejected.get(file.file)
  return rejected && same(rejected) ? { kind: 'skipped', skip: rejected } : null
}

/** The images a pipeline made of one file, placed in the pixels; a skip when they are not whole. */
function keepPrepared(
  made: PreparedImage[],
  from: { read: Pick<DatasetImage, 'file' | 'bytes' | 'mtimeMs'>; hash: string; several: boolean },
  pixels: GrowingPixels,
  position: (k: number) => number,
  skip: Skip,
): Outcome {
  if (made.length === 0) return skip('invalid', 'the image pipeline made no image of it')
  const bytes = imageBytes(pixels.size)
  const wrong = made.find((m) => m.pixels.length !== bytes)
  if (wrong) {
    return skip('invalid', `the image pipeline gave ${wrong.pixels.length} bytes, not ${bytes}`)
  }
  const images = made.map((m, k) =>
    newImage(from.read, from.hash, {
      estimated: cleanEstimates(m.estimatedLabels),
      face: m.face,
      ...(from.several && m.face ? { faceIndex: k } : {}),
    }),
  )
  const positions = made.map((m, k) => {
    const p = position(k)
    pixels.set(p, m.pixels)
    return p
  })
  return { kind: 'kept', hash: from.hash, images, positions, decoded: true }
}

/** The previous dataset's images `at` (one file's, in order) as this file's, pixels and all. */
async function reusePrevious(
  previous: Previous,
  at: number[],
  base: Pick<DatasetImage, 'file' | 'bytes' | 'mtimeMs'>,
  hash: string,
  pixels: GrowingPixels,
  position: (k: number) => number,
): Promise<Outcome> {
  const images: DatasetImage[] = []
  const positions: number[] = []
  for (const [k, i] of at.entries()) {
    const p = position(k)
    pixels.set(p, await readPrevious(previous, i, pixels.size))
    images.push(newImage(base, hash, previous.index.images[i]))
    positions.push(p)
  }
  return { kind: 'kept', hash, images, positions, decoded: false }
}

type FaceFields = Pick<DatasetImage, 'face' | 'estimated' | 'faceIndex'>

/** A kept image before its labels are attached; its face and estimates travel with it (a reused image keeps its own). */
function newImage(
  base: Pick<DatasetImage, 'file' | 'bytes' | 'mtimeMs'>,
  hash: string,
  from: FaceFields,
): DatasetImage {
  return { ...base, hash, labels: {}, ...faceOf(from) }
}

/** The face fields of an image or crop, without absent keys (the index compares by JSON). */
function faceOf(from: FaceFields): FaceFields {
  return {
    ...(from.face ? { face: from.face } : {}),
    ...(from.estimated ? { estimated: from.estimated } : {}),
    ...(from.faceIndex !== undefined ? { faceIndex: from.faceIndex } : {}),
  }
}

/**
 * The faces the project's current dataset holds, by source hash, largest first (none
 * when it has no dataset); all of each photo's faces when it was a `--faces all` ingest,
 * and none at all, known as such, for a photo a face-crop ingest kept as a centre crop.
 */
async function readKnownFaces(projectDir: string): Promise<FacesByHash> {
  const known: FacesByHash = new Map()
  try {
    const index = await readDatasetIndex(projectDir)
    const source = index.source
    const faceCrop = source.kind === 'folder' && source.crop === 'face'
    const complete = source.kind === 'folder' && source.faces === 'all'
    for (const im of index.images) {
      if (!im.face) {
        if (faceCrop) known.set(im.hash, { faces: [], complete: true })
        continue
      }
      const entry = known.get(im.hash) ?? { faces: [], complete }
      entry.faces[im.faceIndex ?? 0] = {
        face: im.face,
        ...(im.estimated ? { estimated: im.estimated } : {}),
      }
      known.set(im.hash, entry)
    }
  } catch {
    // No dataset yet (or a damaged index): every face is found afresh.
  }
  for (const entry of known.values()) entry.faces = entry.faces.filter(Boolean)
  return known
}

/** Image `index` of the previous dataset's pixels (a fresh buffer). */
async function readPrevious(previous: Previous, index: number, size: number): Promise<Uint8Array> {
  const length = imageBytes(size)
  const into = new Uint8Array(length)
  const { bytesRead } = await previous.handle.read(into, 0, length, index * length)
  if (bytesRead !== length) throw new Error(`previous pixels ended early at image ${index}`)
  return into
}

/**
 * The previous dataset, when it came from the same folder at the same size
 * and crop and its pixels are intact (checked by hash): then its images can
 * be reused. Anything else means a fresh ingest.
 */
async function openPrevious(
  projectDir: string,
  folder: string,
  options: FolderIngestOptions,
): Promise<Previous | null> {
  let index: DatasetIndex
  try {
    index = await readDatasetIndex(projectDir)
  } catch {
    return null
  }
  const source = index.source
  if (
    source.kind !== 'folder' ||
    source.folder !== folder ||
    source.crop !== options.crop ||
    (source.noFace ?? 'skip') !== (options.noFace ?? 'skip') ||
    (source.faces ?? 'largest') !== (options.faces ?? 'largest') ||
    index.size !== options.size
  ) {
    return null
  }
  let handle: FileHandle
  try {
    handle = await open(datasetFiles(projectDir).pixels, 'r')
  } catch {
    return null
  }
  try {
    const hash = createHash('sha1')
    const chunk = new Uint8Array(16 * 1024 * 1024)
    let total = 0
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, total)
      if (bytesRead === 0) break
      hash.update(chunk.subarray(0, bytesRead))
      total += bytesRead
    }
    if (total !== index.pixelBytes || hash.digest('hex') !== index.pixelHash) {
      await handle.close()
      return null
    }
  } catch {
    await handle.close()
    return null
  }
  const byFile = new Map<string, number[]>()
  const byHash = new Map<string, number[]>()
  index.images.forEach((im, i) => {
    let list = byFile.get(im.file)
    if (!list) byFile.set(im.file, (list = []))
    list.push(i)
    // A content's images are one file's: other files holding it were dropped as duplicates.
    if (!byHash.has(im.hash)) byHash.set(im.hash, list)
  })
  const rejected = new Map<string, SkippedImage>()
  const lastReport = await readIngestReport(projectDir)
  for (const s of lastReport?.skipped ?? []) {
    // A file that was judged once (damaged, or no face in it) is not judged again while unchanged.
    const judged = s.kind === 'invalid' || s.kind === 'no-face'
    if (judged && s.bytes !== undefined) rejected.set(s.file, s)
  }
  return { index, handle, byFile, byHash, rejected }
}

/** Checks the folder exists and is not the project's parent (the project must never be written into the images). */
async function checkFolder(
  projectDir: string,
  folder: string,
): Promise<{ path: string; projectReal: string }> {
  let info
  try {
    info = await stat(folder)
  } catch (error) {
    throw new EngineError(
      'not_found',
      `The image folder ${folder} cannot be opened (${errorText(error)}); check the path.`,
    )
  }
  if (!info.isDirectory()) {
    throw new EngineError(
      'bad_request',
      `${folder} is a file, not a folder; choose the folder that holds the images.`,
    )
  }
  const real = await realpath(folder)
  let projectReal = projectDir
  try {
    projectReal = await realpath(projectDir)
  } catch {
    // A project folder that does not exist yet cannot be inside anything real; compare as given.
  }
  const inside = relative(real, projectReal)
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    throw new EngineError(
      'bad_request',
      `The project folder ${projectDir} is inside the image folder ${folder}; choose a project folder elsewhere, so the images' folder is never written to.`,
    )
  }
  return { path: folder, projectReal }
}

/** What a skip says in the count by format: its kind in a few words. */
const SKIP_REASONS: Record<SkippedImage['kind'], string> = {
  unsupported: 'not supported',
  invalid: 'damaged or not an image',
  'no-face': 'no face found',
  unreadable: 'cannot be read',
  duplicate: 'duplicate of another file',
}

/** The skipped files counted by format and reason, largest first. */
export function countByFormat(skipped: SkippedImage[]): SkippedFormatCount[] {
  const counts = new Map<string, SkippedFormatCount>()
  for (const s of skipped) {
    const format = s.format ?? 'unrecognised'
    const reason = SKIP_REASONS[s.kind]
    const key = `${format}\u0000${reason}`
    const entry = counts.get(key) ?? { format, reason, count: 0 }
    entry.count++
    counts.set(key, entry)
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || (a.format < b.format ? -1 : 1))
}

/** "12 .txt, 3 without a name ending": what the other files were. */
function describeOtherFiles(types: Record<string, number>): string {
  return Object.entries(types)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([ending, n]) => `${n} ${ending || 'without a name ending'}`)
    .join(', ')
}

function noImagesMessage(
  folder: string,
  otherTypes: Record<string, number>,
  skipped: SkippedImage[],
): string {
  const others = Object.values(otherTypes).reduce((a, b) => a + b, 0)
  const found = [
    ...countByFormat(skipped).map((c) => `${c.count} ${c.format} (${c.reason})`),
    ...(others ? [`${others} other files (${describeOtherFiles(otherTypes)})`] : []),
  ]
  if (skipped.every((s) => s.kind === 'unsupported')) {
    return `No images in ${folder}${found.length ? `: it holds ${found.join('; ')}` : ' (it is empty)'}. Put JPEG, PNG, WebP, GIF, TIFF, AVIF, BMP or PGM/PPM files in it (sub-folders count too; names need no extension), or choose another folder.`
  }
  const examples = skipped
    .slice(0, 5)
    .map((s) => `${s.file}: ${s.reason}`)
    .join('; ')
  return `No usable images in ${folder}: all ${skipped.length} image files were skipped (${examples}${skipped.length > 5 ? '; ...' : ''}).`
}
