import {
  isFinished,
  type DatasetInfo,
  type DatasetThumbnails,
  type IngestProgress,
  type ParamsOf,
} from '@shared/contract'
import { engine } from '../engine/engine.svelte'
import { TrackedJob } from '../engine/tracked-job.svelte'
import { faceSources } from './face-sources'

export type IngestParams = ParamsOf<'dataset.ingest'>

/** Thumbnails per page of the grid. */
export const PAGE_SIZE = 48

/**
 * The Dataset panel's state for one project: what the dataset holds, the
 * running ingest (its job and progress events), and the grid's current page.
 */
export class DatasetState {
  info = $state<DatasetInfo | null>(null)
  loaded = $state(false)
  /** The ingest shown: started here, or found running (the demo's faces being made). */
  readonly ingest = new TrackedJob((job) => {
    if (job.state === 'done') void this.refresh()
    if (job.state === 'failed') this.error = job.error
  })
  progress = $state<IngestProgress | null>(null)
  error = $state<string | null>(null)
  page = $state<DatasetThumbnails | null>(null)
  offset = $state(0)
  /** Show only images whose `label` equals `value`. */
  filter = $state<{ label: string; value: number | string | null } | null>(null)
  busy = $state(false)

  private readonly stops: (() => void)[] = []

  constructor(readonly project: string) {
    this.stops.push(
      engine.on('dataset.progress', (p) => {
        if (p.project === this.project && p.jobId === this.job?.id) this.progress = p
      }),
    )
    void this.followRunningIngest().then(() => this.refresh())
  }

  /**
   * Follows an ingest started before this panel opened (the demo's faces being
   * made on first start, or an ingest before a reload). Looked up before the
   * first refresh, so the grid waits for the pixels instead of asking for
   * images that are still being written.
   */
  private async followRunningIngest(): Promise<void> {
    try {
      const jobs = await engine.request('jobs.list', { kind: 'ingest' })
      const running = jobs.find((j) => !isFinished(j.state) && j.project === this.project)
      if (running && !this.job) this.ingest.follow(running)
    } catch {
      // Without the job list the panel still shows the dataset; only the progress line is missing.
    }
  }

  get job() {
    return this.ingest.job
  }

  get running(): boolean {
    return this.ingest.running
  }

  async start(params: IngestParams): Promise<void> {
    this.error = null
    this.progress = null
    this.busy = true
    try {
      await this.ingest.started(engine.run('dataset.ingest', params, this.ingest.options))
    } catch (error) {
      this.error = (error as Error).message
    } finally {
      this.busy = false
    }
  }

  cancel = async (): Promise<void> => {
    if (!this.job) return
    try {
      this.ingest.update(await engine.request('jobs.cancel', { id: this.job.id }))
    } catch (error) {
      this.error = (error as Error).message
    }
  }

  async refresh(): Promise<void> {
    try {
      this.info = await engine.request('dataset.info', { project: this.project })
      faceSources.clear(this.project)
      this.loaded = true
      this.error = null
      this.offset = 0
      // A new dataset may not have the label the grid was filtered by.
      if (this.filter && !this.info?.labels.some((l) => l.name === this.filter?.label)) {
        this.filter = null
      }
      // The running ingest is rewriting the pixels: the grid loads when it is done.
      if (!this.running) await this.loadPage()
    } catch (error) {
      this.error = (error as Error).message
    }
  }

  async loadPage(): Promise<void> {
    if (!this.info) {
      this.page = null
      return
    }
    try {
      this.page = await engine.request('dataset.thumbnails', {
        project: this.project,
        offset: this.offset,
        limit: PAGE_SIZE,
        ...(this.filter ? { where: this.filter } : {}),
      })
      this.error = null
    } catch (error) {
      this.error = (error as Error).message
    }
  }

  go(delta: number): void {
    const total = this.page?.matching ?? 0
    const next = Math.max(0, Math.min(this.offset + delta * PAGE_SIZE, Math.max(0, total - 1)))
    if (next === this.offset) return
    this.offset = next - (next % PAGE_SIZE)
    void this.loadPage()
  }

  setFilter(filter: { label: string; value: number | string | null } | null): void {
    this.filter = filter
    this.offset = 0
    void this.loadPage()
  }

  dispose(): void {
    this.ingest.dispose()
    for (const stop of this.stops.splice(0)) stop()
  }
}
