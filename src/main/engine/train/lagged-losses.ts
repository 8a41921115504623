import type * as tf from '@tensorflow/tfjs-core'
import { toStepLosses, type StepLosses } from './step'

/** A step's losses as read, with what the caller noted when it queued them. */
export interface DueLosses<T> {
  losses: StepLosses
  at: T
}

/**
 * Step losses read a few steps behind: each step's loss tensor waits in a queue and is read
 * (asynchronously) once `lag` newer steps are queued, so a GPU keeps working while the numbers
 * come back. With lag 0 every step is read as it is queued.
 */
export class LaggedLosses<T> {
  private readonly queue: { terms: tf.Tensor; at: T }[] = []

  constructor(private readonly lag: number) {}

  /** Queues a step's loss tensor (now owned here); returns the losses now due, oldest first. */
  async push(terms: tf.Tensor, at: T): Promise<DueLosses<T>[]> {
    this.queue.push({ terms, at })
    return this.take(this.lag)
  }

  /** Reads every queued step (before a checkpoint, at an epoch's end). */
  drain(): Promise<DueLosses<T>[]> {
    return this.take(0)
  }

  /** Frees what is still queued (the run stopped). */
  dispose(): void {
    for (const { terms } of this.queue.splice(0)) terms.dispose()
  }

  private async take(keep: number): Promise<DueLosses<T>[]> {
    const due: DueLosses<T>[] = []
    while (this.queue.length > keep) {
      const { terms, at } = this.queue[0] as { terms: tf.Tensor; at: T }
      const values = (await terms.data()) as Float32Array
      this.queue.shift()
      terms.dispose()
      due.push({ losses: toStepLosses(values), at })
    }
    return due
  }
}

/** Steps the losses trail by: on a GPU, enough to keep its queue full; elsewhere none. */
export function lossLag(backend: string): number {
  return backend === 'webgpu' ? 3 : 0
}
