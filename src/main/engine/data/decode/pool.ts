import { cpus } from 'node:os'
import { Worker } from 'node:worker_threads'
import { builtWorkerFile } from '../../files/built-worker'
import type { CropMode } from '../store'
import type { DecodeReply, DecodeRequest } from './worker-protocol'

interface PoolWorker {
  worker: Worker
  /** Ids of the files it holds. */
  pending: Set<number>
}

/**
 * Worker threads that decode small JPEGs, one per core: the ingest keeps
 * reading and hashing files on its own thread while they decode. A worker is
 * referenced only while it holds files, so an idle pool never keeps a process alive.
 */
export class DecodePool {
  private readonly workers: PoolWorker[] = []
  private readonly pending = new Map<number, (pixels: Uint8Array | null) => void>()
  private nextId = 0

  private constructor(file: string, count: number) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(file)
      const entry: PoolWorker = { worker, pending: new Set() }
      worker.on('message', (replies: DecodeReply[]) => {
        for (const reply of replies) {
          entry.pending.delete(reply.id)
          this.answer(reply.id, reply.pixels)
        }
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
  static create(threads = cpus().length): DecodePool | null {
    const file = builtWorkerFile('decode-worker')
    return file && threads > 1 ? new DecodePool(file, threads) : null
  }

  /** Decodes `input` on the least busy worker (a copy travels; the caller keeps its bytes). */
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
    // A fresh copy: a Buffer's slice() shares memory, and its ArrayBuffer may be Node's pool.
    const request: DecodeRequest = { id, input: new Uint8Array(input), size, crop }
    entry.pending.add(id)
    if (entry.pending.size === 1) entry.worker.ref()
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      entry.worker.postMessage(request, [request.input.buffer as ArrayBuffer])
    })
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
  }
}
