/**
 * The map's data for the open project: asks the engine to project (it
 * re-encodes first when the model changed), waits for the job, fetches the
 * points, and follows training epoch by epoch when asked to.
 */
import type { Job, MapPoints, ProjectionSpec, ProjectSummary } from '@shared/contract'
import { Throttle } from '@shared/pace'
import { engine } from '../engine/engine.svelte'
import { projectionLabel } from './projection-label'

export class MapData {
  points = $state.raw<MapPoints | null>(null)
  /** The projection job under way, if any. */
  job = $state<Job<ProjectSummary> | null>(null)
  error = $state<string | null>(null)
  /** Re-project at the end of each training epoch. */
  followTraining = $state(true)
  private project: string | null = null
  private spec: ProjectionSpec = { method: 'pca' }
  private loading: Promise<void> | null = null
  private again = false
  /** The last epoch seen per training job (not reactive: only compared). */
  private lastEpoch: Record<string, number> = {}
  /** Between epochs, a look for a new model every few seconds. */
  private readonly modelChecks = new Throttle(5000)
  private readonly stops: (() => void)[] = []

  constructor() {
    this.stops.push(
      engine.on('job', (job) => {
        // A finished or stopped training leaves a checkpoint: show its model.
        const ended = job.state === 'done' || job.state === 'cancelled'
        if (job.kind === 'train' && ended && this.followTraining) this.refresh()
      }),
      engine.on('map.updated', (update) => {
        if (update.project === this.project && update.key === this.points?.key) {
          void this.fetchPoints()
        }
      }),
      // UMAP's layout as it forms, drawn over the points already shown (the same images).
      engine.on('map.layout', (layout) => {
        const same = projectionLabel(layout.spec) === projectionLabel(this.spec)
        if (layout.project !== this.project || !same || this.points?.count !== layout.count) return
        this.points = { ...this.points, positions: layout.positions }
      }),
      engine.on('train.progress', (progress) => {
        if (progress.project !== this.project || !this.followTraining) return
        const last = this.lastEpoch[progress.jobId]
        this.lastEpoch[progress.jobId] = progress.epoch
        // At each new epoch, and every few seconds in between, look whether the trainer
        // published a new model (a checkpoint); if so, encode and project again.
        const newEpoch = last !== undefined && progress.epoch > last
        if (this.modelChecks.pass(newEpoch)) void this.checkModel()
      }),
    )
  }

  /** Shows `spec` of `project` (null clears the map). */
  show(project: string | null, spec: ProjectionSpec): void {
    const changedProject = project !== this.project
    this.project = project
    this.spec = spec
    if (changedProject) this.points = null
    this.error = null
    if (project) this.refresh()
  }

  /**
   * Projects again: cheap when nothing changed (the engine answers from its cache);
   * `force` computes the projection afresh from all the latents.
   */
  refresh(force = false): void {
    if (this.loading) {
      this.again = true
      return
    }
    this.loading = this.load(force).finally(() => {
      this.loading = null
      if (this.again) {
        this.again = false
        this.refresh()
      }
    })
  }

  dispose(): void {
    this.stops.splice(0).forEach((stop) => stop())
  }

  private async load(force: boolean): Promise<void> {
    const project = this.project
    if (!project) return
    try {
      const run = engine.run(
        'map.project',
        { project, spec: this.spec, force },
        { onProgress: (job) => (this.job = job) },
      )
      this.job = await run.job
      const job = await run.done
      if (job.state !== 'done') {
        if (job.state === 'failed') this.error = job.error ?? 'projecting failed'
        return
      }
      // Nothing new (answered from the engine's cache): keep the points already shown.
      const result = job.result
      if (!result?.computed && this.points?.key === result?.key) return
      await this.fetchPoints()
    } catch (error) {
      if (project === this.project) this.error = (error as Error).message
    } finally {
      this.job = null
    }
  }

  /**
   * Refreshes when the project's model is not the one the shown points came from, or when a
   * first training published its first model and nothing is shown yet.
   */
  private async checkModel(): Promise<void> {
    const project = this.project
    if (!project || this.loading) return
    try {
      const status = await engine.request('map.status', { project })
      if (project !== this.project) return
      if (status.modelHash && status.modelHash !== this.points?.modelHash) this.refresh()
    } catch {
      // The next progress event looks again.
    }
  }

  private async fetchPoints(): Promise<void> {
    const project = this.project
    if (!project) return
    const spec = this.spec
    const points = await engine.request('map.points', { project, spec })
    // A reply for a project or projection no longer shown is dropped.
    if (project === this.project && projectionLabel(spec) === projectionLabel(this.spec)) {
      this.points = points
      this.error = null
    }
  }
}
