#!/usr/bin/env node
/**
 * Fault harness: runs each long job (ingest, train, encode, project, export, demo) in a real
 * engine process, SIGKILLs it at random moments, restarts the engine, resumes the job and runs
 * `project.check` after every kill and at the end. Then a full disk (a small tmpfs; root only)
 * and a read-only project folder. Reports trials, kills, resumes, the worst steps lost per kill
 * and corrupt projects (must be 0).
 *   npm run chaos -- --trials N --seed S [--kills 3] [--images 48] [--kinds ingest,train,...] [--json]
 * (build first: it runs out/main/engine.js). --kills: at most this many kills per trial.
 */
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { jobSettled, REPO, startEngine } from './engine.mjs'
import { seeded } from './random.mjs'

export const JOB_KINDS = ['ingest', 'train', 'encode', 'project', 'export', 'demo']
const CELEBA = process.env.ATELIER_CHAOS_IMAGES || join(REPO, '../shared/data/celeba-8k/images')
const TRAIN = {
  model: 'benchmark',
  size: 32,
  latent: 4,
  filters: 4,
  batch: 8,
  seed: 1,
  checkpointMinutes: 0.05,
}

/** The request that runs a job of `kind` on `project`, and how long before it a kill may land (ms). */
function jobRequest(kind, project, source, dataDir) {
  switch (kind) {
    case 'ingest':
      return {
        name: 'dataset.ingest',
        params: { project, size: 32, source: { kind: 'folder', folder: source, crop: 'center' } },
        killWithin: 6000,
      }
    case 'train':
      return { name: 'train.start', params: { project, ...TRAIN, epochs: 40 }, killWithin: 20000 }
    case 'encode':
      return { name: 'map.encode', params: { project, force: true }, killWithin: 4000 }
    case 'project':
      return {
        name: 'map.project',
        params: { project, spec: { method: 'umap', seed: 1 }, force: true },
        killWithin: 8000,
      }
    case 'export':
      return {
        name: 'create.export',
        params: {
          project,
          format: 'gif',
          size: 128,
          failIfExists: false,
          recipe: {
            kind: 'morph',
            waypoints: [
              { kind: 'image', index: 0 },
              { kind: 'image', index: 1 },
            ],
            frames: 16,
            interpolation: 'slerp',
            attributes: [],
          },
        },
        killWithin: 6000,
      }
    case 'demo':
      return { name: 'demo.open', params: { dataDir }, killWithin: 20000 }
  }
  throw new Error(`no job kind ${kind}`)
}

/** The job a request started (demo.open answers { project, job }). */
const jobOf = (reply) => (reply && 'job' in reply ? reply.job : reply)

async function until(done, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (!done() && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 50))
}

function checkpointStep(project) {
  try {
    const { generation } = JSON.parse(
      readFileSync(join(project, 'checkpoints/latest.json'), 'utf8'),
    )
    return JSON.parse(readFileSync(join(project, 'checkpoints', generation, 'state.json'), 'utf8'))
      .step
  } catch {
    return 0
  }
}

/** Damaged parts, as the engine's own check says. */
async function damagedParts(engine, project) {
  try {
    const check = await engine.request('project.check', { project })
    return check.problems
      .filter((p) => p.severity === 'damaged')
      .map((p) => `${p.part}: ${p.message}`)
  } catch (error) {
    return error.code === 'not_found' ? [] : [`check failed: ${error.message}`]
  }
}

/** One trial: kill the job `kills` times at random moments, resume after each, then let it finish. */
async function trial(r, kind, base, work, maxKills) {
  const dataDir = join(work, 'data')
  const project = kind === 'demo' ? join(dataDir, 'demo') : join(work, 'project')
  if (kind !== 'ingest' && kind !== 'demo')
    cpSync(base[kind === 'train' ? 'ingested' : 'trained'], project, { recursive: true })
  const { name, params, killWithin } = jobRequest(kind, project, base.source, dataDir)
  const out = { kind, kills: 0, resumes: 0, stepsLost: [], corrupt: [], finished: false }
  const kills = r.int(1, maxKills)
  for (let k = 0; k <= kills; k++) {
    const engine = await startEngine({ dataDir })
    try {
      if (k > 0) {
        out.corrupt.push(...(await damagedParts(engine, project)))
        out.resumes++
      }
      let lastStep = 0
      engine.on((m) => {
        if (m.kind === 'event' && m.name === 'train.progress') lastStep = m.payload.step
      })
      const job = await engine.request(name, params).then(jobOf, (error) => {
        // A training that reached its epochs before the kill has nothing left to resume.
        if (kind === 'train' && error.code === 'conflict') return null
        throw error
      })
      if (k === kills) {
        const done = job ? await jobSettled(engine, job.id) : { state: 'done' }
        if (done.state !== 'done')
          throw new Error(`${kind}: the resumed job ended ${done.state}: ${done.error}`)
        out.finished = true
        out.corrupt.push(...(await damagedParts(engine, project)))
        break
      }
      // A training is killed while it steps (after its first progress), the rest at any time.
      if (kind === 'train' && job) await until(() => lastStep > 0, 60_000)
      await new Promise((ok) => setTimeout(ok, r.int(50, killWithin)))
      await engine.kill('SIGKILL')
      out.kills++
      if (kind === 'train') out.stepsLost.push(Math.max(0, lastStep - checkpointStep(project)))
    } finally {
      if (engine.alive()) await engine.kill('SIGTERM')
    }
  }
  rmSync(project, { recursive: true, force: true })
  rmSync(dataDir, { recursive: true, force: true })
  return out
}

/** The source images and the projects trials start from: ingested, and trained + encoded. */
async function prepare(work, images) {
  const source = join(work, 'source')
  mkdirSync(source, { recursive: true })
  for (const file of readdirSync(CELEBA).sort().slice(0, images))
    cpSync(join(CELEBA, file), join(source, file))
  const ingested = join(work, 'ingested')
  const trained = join(work, 'trained')
  const engine = await startEngine({ dataDir: join(work, 'base-data') })
  try {
    const run = async (name, params) => {
      const done = await jobSettled(engine, (await engine.request(name, params)).id)
      if (done.state !== 'done') throw new Error(`${name} for the base project: ${done.error}`)
    }
    await run('dataset.ingest', {
      project: ingested,
      size: 32,
      source: { kind: 'folder', folder: source, crop: 'center' },
    })
    cpSync(ingested, trained, { recursive: true })
    await run('train.start', { project: trained, ...TRAIN, epochs: 1 })
    await run('map.encode', { project: trained })
  } finally {
    await engine.kill('SIGTERM')
  }
  // The copies must not carry the base engine's lock (it exits, but a copy keeps the path).
  for (const dir of [ingested, trained]) rmSync(join(dir, 'atelier.lock'), { force: true })
  return { source, ingested, trained }
}

/** Root only: a project on a 2 MiB tmpfs, so an ingest runs out of space. */
async function diskFull(base, work) {
  if (process.getuid?.() !== 0)
    return { skipped: 'needs root to mount a small tmpfs; run as root to include it' }
  const mount = join(work, 'full')
  mkdirSync(mount, { recursive: true })
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount])
  try {
    const project = join(mount, 'project')
    const engine = await startEngine({ dataDir: join(work, 'full-data') })
    try {
      // The trained project (about 1 MiB) fits; encoding into it, then a training save, fill the disk.
      cpSync(base.trained, project, { recursive: true })
      writeFileSync(
        join(mount, 'filler'),
        Buffer.alloc(2 * 1024 * 1024 - dirBytes(project) - 64 * 1024),
      )
      const job = await engine.request('train.start', { project, ...TRAIN, epochs: 3 })
      const done = await jobSettled(engine, job.id)
      const temp = execFileSync('find', [project, '-name', '*.tmp']).toString().trim()
      return {
        state: done.state,
        message: done.error,
        damaged: await damagedParts(engine, project),
        halfWritten: temp ? temp.split('\n') : [],
      }
    } finally {
      await engine.kill('SIGTERM')
    }
  } finally {
    execFileSync('umount', [mount])
  }
}

function dirBytes(dir) {
  return Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0])
}

/** A read-only project folder (a read-only bind mount as root, else chmod, which root ignores). */
async function readOnly(base, work) {
  const project = join(work, 'readonly')
  cpSync(base.trained, project, { recursive: true })
  const root = process.getuid?.() === 0
  if (root) {
    execFileSync('mount', ['--bind', project, project])
    execFileSync('mount', ['-o', 'remount,bind,ro', project])
  } else execFileSync('chmod', ['-R', 'a-w', project])
  const engine = await startEngine({ dataDir: join(work, 'ro-data') })
  try {
    let message = null
    try {
      const job = await engine.request('map.encode', { project, force: true })
      const done = await jobSettled(engine, job.id)
      message = done.error ?? `the encode ended ${done.state}`
    } catch (error) {
      message = error.message
    }
    return { message, damaged: await damagedParts(engine, project) }
  } finally {
    await engine.kill('SIGTERM')
    if (root) execFileSync('umount', [project])
    else execFileSync('chmod', ['-R', 'u+w', project])
  }
}

export async function runChaos({
  trials = 12,
  killsPerTrial = 3,
  seed = 1,
  images = 48,
  kinds = JOB_KINDS,
  faults = true,
  note = () => {},
} = {}) {
  const r = seeded(seed)
  const work = mkdtempSync(join(tmpdir(), 'atelier-chaos-'))
  try {
    note(`preparing ${images} images and a trained base project in ${work}`)
    const base = await prepare(work, images)
    const results = []
    for (let t = 0; t < trials; t++) {
      const kind = kinds[t % kinds.length]
      const result = await trial(r, kind, base, work, killsPerTrial)
      note(
        `trial ${t + 1}/${trials} ${kind}: ${result.kills} kills, ${result.resumes} resumes, steps lost ${result.stepsLost.join(',') || '-'}, damaged ${result.corrupt.length}`,
      )
      results.push(result)
    }
    const lost = results.flatMap((x) => x.stepsLost)
    return {
      seed,
      trials,
      kills: results.reduce((n, x) => n + x.kills, 0),
      resumes: results.reduce((n, x) => n + x.resumes, 0),
      finished: results.filter((x) => x.finished).length,
      worstStepsLost: lost.length ? Math.max(...lost) : null,
      checkpointEverySeconds: TRAIN.checkpointMinutes * 60,
      corruptProjects: results.filter((x) => x.corrupt.length > 0).length,
      corrupt: results.flatMap((x) => x.corrupt.map((c) => `${x.kind}: ${c}`)),
      byKind: Object.fromEntries(
        kinds.map((k) => [k, results.filter((x) => x.kind === k).reduce((n, x) => n + x.kills, 0)]),
      ),
      diskFull: faults ? await diskFull(base, work) : { skipped: 'not asked' },
      readOnly: faults ? await readOnly(base, work) : { skipped: 'not asked' },
      load: loadavg()[0],
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string', default: '12' },
      kills: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      images: { type: 'string', default: '48' },
      kinds: { type: 'string', default: JOB_KINDS.join(',') },
      json: { type: 'boolean' },
    },
  })
  const result = await runChaos({
    trials: Number(values.trials),
    killsPerTrial: Number(values.kills),
    seed: Number(values.seed),
    images: Number(values.images),
    kinds: values.kinds.split(','),
    note: values.json ? () => {} : (line) => console.error(line),
  })
  if (values.json) console.log(JSON.stringify(result))
  else {
    console.log(
      `chaos seed ${result.seed}: ${result.trials} trials (${result.finished} finished), ${result.kills} kills ${JSON.stringify(result.byKind)}, ${result.resumes} resumes`,
    )
    console.log(
      `worst steps lost per kill: ${result.worstStepsLost ?? '-'} (checkpoint every ${result.checkpointEverySeconds} s); corrupt projects: ${result.corruptProjects}`,
    )
    for (const line of result.corrupt) console.log(`  corrupt: ${line}`)
    console.log(`disk full: ${JSON.stringify(result.diskFull)}`)
    console.log(`read-only: ${JSON.stringify(result.readOnly)}`)
    console.log(`load ${result.load.toFixed(1)}`)
  }
  if (result.corruptProjects > 0) process.exitCode = 1
}
