import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { CROP_MODES, type LabelSources } from '@shared/contract'
import { ingestFolder } from '../../engine/data/ingest'
import { imageBytes, type CropMode } from '../../engine/data/store'
import { rasterizeFace, syntheticFace } from '../../engine/data/synthetic'
import { command, numberFlag, UsageError } from '../command'
import { runPilReference, type PilFigures } from './pil-reference'
import { PHOTO_HEIGHT, PHOTO_WIDTH, writeTestPhotos } from './photos'

interface BenchIngestResult {
  folder: string
  crop: CropMode
  size: number
  images: number
  skipped: number
  seconds: number
  imagesPerSecond: number
  decodePerSecond: number
  /** CPU time of this process (all its threads) per image found: a figure that other load on the machine disturbs less. */
  cpuMsPerImage: number
  /** Seconds of the first ingest in each phase (scanning, reading, labels, writing), in order. */
  phases: { phase: string; seconds: number }[]
  /** A second ingest of the unchanged folder: everything reused, nothing decoded. */
  reingestSeconds: number
  reingestDecoded: number
  baselineRssMB: number
  peakRssMB: number
  pixelsMB: number
  labels: { name: string; positives?: number; known: number }[]
  /** Pillow doing the same decode, crop and resize of the same files, in this run (the mean of a run before and one after ours). */
  pil: PilFigures | null
  pilNote: string | null
  /** imagesPerSecond / pil.imagesPerSecond. */
  ratio: number | null
  cores: number
  load: number[]
}

export const benchIngest = command({
  name: 'bench ingest',
  summary: 'Time a folder ingest (images/s) and its peak memory, then an unchanged re-ingest',
  usage:
    'atelier bench ingest [<folder>] [--crop face|center|celeba|fit] [--size 64] [--labels FILE] [--label-pattern P] [--synthetic 500 | --photos 8] [--no-reference] [--json]',
  options: {
    crop: { type: 'string' },
    size: { type: 'string' },
    labels: { type: 'string' },
    'label-pattern': { type: 'string' },
    synthetic: { type: 'string' },
    photos: { type: 'string' },
    'no-reference': { type: 'boolean' },
  },
  run: async (inv): Promise<BenchIngestResult> => {
    const baselineRssMB = Math.round(process.memoryUsage().rss / 1e6)
    const crop = String(inv.values.crop ?? 'center') as CropMode
    if (!(CROP_MODES as readonly string[]).includes(crop)) {
      throw new UsageError(`--crop ${crop}: use one of ${CROP_MODES.join(', ')}.`)
    }
    const size = numberFlag(inv.values, 'size', 64, { min: 8, max: 256, integer: true })
    // The face detector runs on the engine's tfjs: start it (it picks the backend) first.
    if (crop === 'face') await inv.engine()
    const work = await mkdtemp(join(tmpdir(), 'atelier-bench-ingest-'))
    try {
      let folder: string
      if (inv.positionals[0]) folder = resolve(inv.positionals[0])
      else if (inv.values.photos !== undefined) {
        const count = numberFlag(inv.values, 'photos', 8, { min: 1, max: 1000, integer: true })
        folder = join(work, 'photos')
        inv.note(`writing ${count} ${PHOTO_WIDTH}x${PHOTO_HEIGHT} JPEG photos to ${folder}`)
        await mkdir(folder)
        await writeTestPhotos(folder, count)
      } else {
        const count = numberFlag(inv.values, 'synthetic', 500, {
          min: 1,
          max: 100_000,
          integer: true,
        })
        folder = join(work, 'images')
        inv.note(`no folder given: writing ${count} synthetic 256px JPEG faces to ${folder}`)
        await mkdir(folder)
        for (let i = 0; i < count; i++) {
          const face = syntheticFace(42, i)
          const rgb = await rasterizeFace(face.face, 256)
          const jpeg = await sharp(rgb, { raw: { width: 256, height: 256, channels: 3 } })
            .jpeg()
            .toBuffer()
          await writeFile(join(folder, `face ${String(i).padStart(5, '0')}.jpg`), jpeg)
        }
      }
      const labels: LabelSources = {}
      if (typeof inv.values.labels === 'string') labels.file = resolve(inv.values.labels)
      if (typeof inv.values['label-pattern'] === 'string')
        labels.pattern = inv.values['label-pattern']
      const project = join(work, 'project')
      const reference = async (): Promise<PilFigures | string> => {
        if (inv.values['no-reference'] === true) return 'skipped (--no-reference)'
        if (crop === 'face') return 'none for the face crop (PIL has no face detector)'
        inv.note(`PIL reference on ${folder}...`)
        try {
          return await runPilReference(folder, size, crop)
        } catch (error) {
          return `the reference did not run (python3 with PIL, python3-pil on Debian): ${(error as Error).message.split('\n')[0]}`
        }
      }
      // Before and after ours, as bench train does: the machine is shared, and its load drifts.
      const pilBefore = await reference()
      inv.note(`ingesting ${folder} (${crop} crop, ${size}px)`)
      let lastNote = 0
      const phases = new PhaseClock()
      const cpuBefore = process.cpuUsage()
      const report = await ingestFolder(
        project,
        { folder, size, crop, labels },
        {
          progress: (p) => {
            phases.enter(p.phase)
            if (Date.now() - lastNote < 2000) return
            lastNote = Date.now()
            inv.note(`  ${p.phase} ${p.done}/${p.total}, ${p.imagesPerSecond.toFixed(0)} img/s`)
          },
        },
      )
      const cpu = process.cpuUsage(cpuBefore)
      phases.enter('done')
      const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024)
      inv.note('re-ingesting the unchanged folder')
      const again = await ingestFolder(project, { folder, size, crop, labels })
      const pilAfter = await reference()
      const pil = meanFigures(pilBefore, pilAfter)
      return {
        folder,
        crop,
        size,
        images: report.images,
        skipped: report.skipped.length,
        seconds: report.seconds,
        imagesPerSecond: report.imagesPerSecond,
        decodePerSecond: report.decodePerSecond,
        cpuMsPerImage: (cpu.user + cpu.system) / 1000 / Math.max(1, report.found),
        phases: phases.seconds(),
        reingestSeconds: again.seconds,
        reingestDecoded: again.processed,
        baselineRssMB,
        peakRssMB,
        pixelsMB: Math.round((report.images * imageBytes(size)) / 1e6),
        labels: report.labels.summary.map((s) => ({
          name: s.name,
          positives: s.positives,
          known: s.known,
        })),
        pil,
        pilNote: typeof pilBefore === 'string' ? pilBefore : null,
        ratio: pil ? Math.round((report.imagesPerSecond / pil.imagesPerSecond) * 100) / 100 : null,
        cores: cpus().length,
        load: loadavg().map((l) => Math.round(l * 100) / 100),
      }
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  },
  format: (r) =>
    [
      `${r.folder}: ${r.images} images (${r.skipped} skipped) at ${r.size}px, ${r.crop} crop`,
      `  first ingest   ${r.seconds.toFixed(2)} s, ${r.imagesPerSecond.toFixed(0)} images/s (${r.decodePerSecond.toFixed(0)} decodes/s), ${r.cpuMsPerImage.toFixed(2)} ms CPU per image`,
      r.pil
        ? `  PIL ${r.pil.pil}        ${r.pil.imagesPerSecond.toFixed(0)} images/s, ${r.pil.cpuMsPerImage.toFixed(2)} ms CPU per image (one process, same files and work); ratio ${r.ratio}x`
        : `  PIL reference  ${r.pilNote}`,
      `  phases         ${r.phases.map((p) => `${p.phase} ${p.seconds.toFixed(2)} s`).join(', ')}`,
      `  re-ingest      ${r.reingestSeconds.toFixed(2)} s, ${r.reingestDecoded} decoded`,
      `  memory         peak RSS ${r.peakRssMB} MB (at start ${r.baselineRssMB} MB; the pixels are ${r.pixelsMB} MB)`,
      `  machine        ${r.cores} cores, load ${r.load.join(' ')}`,
      ...(r.labels.length
        ? [
            `  labels         ${r.labels.map((l) => `${l.name} ${l.positives ?? l.known}`).join(', ')}`,
          ]
        : []),
    ].join('\n'),
})

/** When each phase of a job began, from its progress reports: how long each took. */
class PhaseClock {
  private readonly starts: { phase: string; at: number }[] = []

  enter(phase: string): void {
    if (this.starts.at(-1)?.phase !== phase) this.starts.push({ phase, at: performance.now() })
  }

  seconds(): { phase: string; seconds: number }[] {
    return this.starts.slice(0, -1).map(({ phase, at }, i) => ({
      phase,
      seconds: ((this.starts[i + 1] as { at: number }).at - at) / 1000,
    }))
  }
}

/** The mean of the reference's two runs; null when it did not run. */
function meanFigures(a: PilFigures | string, b: PilFigures | string): PilFigures | null {
  if (typeof a === 'string' || typeof b === 'string') return null
  const seconds = (a.seconds + b.seconds) / 2
  return {
    pil: a.pil,
    images: a.images,
    seconds,
    imagesPerSecond: (a.imagesPerSecond + b.imagesPerSecond) / 2,
    cpuMsPerImage: (a.cpuMsPerImage + b.cpuMsPerImage) / 2,
  }
}
