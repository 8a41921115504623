/** Low-level facts about project files that the check needs: sizes, hashes, weight lengths, temp files. */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** The temp file name `writeAtomicWith` uses: `.<name>.<12 hex>.tmp`. */
export const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/

/** A generation folder's name (`newGeneration`). */
export const GENERATION = /^g\d{9}-[0-9a-f]{6}$/

/** The file's byte length, or null when it is not there. */
export async function sizeOf(path: string): Promise<number | null> {
  try {
    const info = await stat(path)
    return info.isFile() ? info.size : null
  } catch {
    return null
  }
}

/** sha1 hex of a file, streamed (a dataset's pixels may be gigabytes). */
export function sha1OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha1')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
}

/** Parses a JSON file; the error says why it does not read. */
export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1 }

interface WeightSpec {
  name: string
  shape: number[]
  dtype: string
}

/** Bytes the weights of a TF.js weights manifest take, or null for a dtype this app never writes. */
export function weightBytes(specs: WeightSpec[]): number | null {
  let total = 0
  for (const spec of specs) {
    const per = DTYPE_BYTES[spec.dtype]
    if (per === undefined || !Array.isArray(spec.shape)) return null
    total += per * spec.shape.reduce((a, b) => a * b, 1)
  }
  return total
}

/**
 * Why a saved layers model (`model.json` + its shards) cannot be loaded, or null when it is whole:
 * the topology reads and every shard is there with the bytes its weight specs need.
 */
export async function layersModelFault(dir: string): Promise<string | null> {
  let json: {
    modelTopology?: unknown
    weightsManifest?: { paths: string[]; weights: WeightSpec[] }[]
  }
  try {
    json = await readJson(join(dir, 'model.json'))
  } catch (error) {
    return `model.json does not read (${(error as Error).message})`
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    return 'model.json has no topology or weights manifest'
  }
  let have = 0
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      const size = await sizeOf(join(dir, p))
      if (size === null) return `${p} is missing`
      have += size
    }
  }
  const need = weightBytes(json.weightsManifest.flatMap((g) => g.weights))
  if (need !== null && need !== have)
    return `its weights hold ${have} bytes, the specs need ${need}`
  return null
}

/** Why a checkpoint's optimiser state cannot be loaded, or null when it is whole. */
export async function optimizerFault(dir: string): Promise<string | null> {
  let specs: WeightSpec[]
  try {
    specs = await readJson(join(dir, 'optimizer.json'))
  } catch (error) {
    return `optimizer.json does not read (${(error as Error).message})`
  }
  const size = await sizeOf(join(dir, 'optimizer.bin'))
  if (size === null) return 'optimizer.bin is missing'
  const need = Array.isArray(specs) ? weightBytes(specs) : null
  if (need !== null && need !== size)
    return `optimizer.bin holds ${size} bytes, its specs need ${need}`
  return null
}

/** Every temp file left under `dir` by an interrupted atomic write. */
export async function tempFiles(dir: string): Promise<string[]> {
  const found: string[] = []
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return found
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found.push(...(await tempFiles(path)))
    else if (entry.isFile() && TEMP_FILE.test(entry.name)) found.push(path)
  }
  return found
}

/** The generation folders under `dir`, newest (highest step) first. */
export async function generations(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir)
    return names.filter((n) => GENERATION.test(n)).sort((a, b) => (a < b ? 1 : -1))
  } catch {
    return []
  }
}
