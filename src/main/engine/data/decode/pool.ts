import { cpus } from 'node:os'
import { Worker } from 'node:worker_threads'
import { builtWorkerFile } from '../../files/built-worker'
import type { CropMode } from '../store'
import { packBytes, type DecodeBatch, type ReplyBatch } from './worker-protocol'

interface Outgoing {
  id: number
  input: Uint8Array
  size: number
  crop: Exclude<CropMode, 'face'>
}

interface PoolWorker {
  worker: Worker
  /** Ids of the files it holds. */
  pending: Set<number>
  /** Files asked for this turn of the event loop, posted together. */
  outbox: Outgoing[]
}

/**
 * Worker threads that decode small JPEGs, one per core: the ingest keeps
 * reading and hashing files on its own thread while they decode. The files
 * asked for in one turn of the event loop go to a worker in one message. A
 * worker is referenced only while it holds files, so an idle pool never keeps
 * a process alive.
 */
export class DecodePool {
  private readonly workers: PoolWorker[] = []
  private readonly pending = new Map<number, (pixels: Uint8Array | null) => void>()
  private nextId = 0
  private flushing = false

  private constructor(file: string, count: number) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(file)
      const entry: PoolWorker = { worker, pending: new Set(), outbox: [] }
      worker.on('message', ({ replies, pixels }: ReplyBatch) => {
        replies.forEach(({ id, end }, i) => {
          const start = i === 0 ? 0 : replies[i - 1].end
          entry.pending.delete(id)
          this.answer(id, end > start ? pixels.subarray(start, end) : null)
        })
        if (entry.pending.size === 0) worker.unref()
      })
      // A worker that dies answers its files with null: sharp decodes them instead.
      worker.on('error', () => this.drop(entry))
      worker.on('exit', () => this.drop(entry))
      // After the listeners (adding one refs the worker again); referenced only while it holds files.
      worker.unref()
      this.workers.push(entry)
    }
  }

  /** The pool, or null where no worker is built (run from source) or there is one core. */
  static create(
    threads = cpus().length,
    file = builtWorkerFile('decode-worker'),
  ): DecodePool | null {
    return file && threads > 1 ? new DecodePool(file, threads) : null
  }

  /** Decodes `input` on the least busy worker (a copy travels; the caller keeps its bytes, unchanged until the answer). */
  decode(
    input: Uint8Array,
    size: number,
    crop: Exclude<CropMode, 'face'>,
  ): Promise<Uint8Array | null> {
    const entry = this.workers.reduce<PoolWorker | null>(
      (best, w) => (best === null || w.pending.size < best.pending.size ? w : best),
      null,
    )
    if (!entry) return Promise.resolve(null)
    const id = this.nextId++
    entry.outbox.push({ id, input, size, crop })
    entry.pending.add(id)
    if (entry.pending.size === 1) entry.worker.ref()
    if (!this.flushing) {
      this.flushing = true
      setImmediate(() => this.flush())
    }
    return new Promise((resolve) => this.pending.set(id, resolve))
  }

  private flush(): void {
    this.flushing = false
    for (const entry of this.workers) {
      if (entry.outbox.length === 0) continue
      const files = entry.outbox
      entry.outbox = []
      // One copy of all their bytes, transferred: a Buffer's own memory may be Node's shared pool.
      const { bytes, ends } = packBytes(files.map((f) => f.input))
      const batch: DecodeBatch = {
        requests: files.map(({ id, size, crop }, i) => ({ id, end: ends[i], size, crop })),
        bytes,
      }
      entry.worker.postMessage(batch, [bytes.buffer])
    }
  }

  private answer(id: number, pixels: Uint8Array | null): void {
    this.pending.get(id)?.(pixels)
    this.pending.delete(id)
  }

  private drop(entry: PoolWorker): void {
    const at = this.workers.indexOf(entry)
    if (at >= 0) this.workers.splice(at, 1)
    for (const id of entry.pending) this.answer(id, null)
    entry.pending.clear()
    entry.outbox = []
  }
}
