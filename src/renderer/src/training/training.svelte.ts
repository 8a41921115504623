import type { ParamsOf, TrainPreview, TrainProgress, TrainStatus } from '@shared/contract'
import { engine } from '../engine/engine.svelte'
import { TrackedJob } from '../engine/tracked-job.svelte'
import { appendCapped, type CurvePoint } from './format'

/** What the artist sets before starting: `train.start` params, each one given. */
export type TrainForm = Required<
  Pick<ParamsOf<'train.start'>, 'model' | 'epochs' | 'latent' | 'beta' | 'loss' | 'restart'>
>

/**
 * The Training panel's state for one project: the model's status (fetched once), then live
 * progress, loss curves and previews from the engine's events.
 */
export class TrainingState {
  status = $state<TrainStatus | null>(null)
  /** The training job shown: started here, or found running by `train.status` (its result unread). */
  readonly training = new TrackedJob(() => void this.refresh())
  progress = $state<TrainProgress | null>(null)
  preview = $state<TrainPreview | null>(null)
  loss = $state<CurvePoint[]>([])
  reconstruction = $state<CurvePoint[]>([])
  kl = $state<CurvePoint[]>([])
  error = $state<string | null>(null)
  busy = $state(false)
  private readonly stops: (() => void)[] = []

  constructor(readonly project: string) {
    this.stops.push(
      engine.on('train.progress', (p) => {
        if (p.project !== this.project) return
        this.progress = p
        this.loss = appendCapped(this.loss, { step: p.step, value: p.loss })
        this.reconstruction = appendCapped(this.reconstruction, {
          step: p.step,
          value: p.reconstruction,
        })
        this.kl = appendCapped(this.kl, { step: p.step, value: p.kl })
      }),
      engine.on('train.preview', (p) => {
        if (p.project === this.project) this.preview = p
      }),
    )
    void this.refresh()
  }

  /** Re-reads the model and checkpoint; seeds the curves from the saved per-epoch history. */
  async refresh(): Promise<void> {
    try {
      const status = await engine.request('train.status', { project: this.project })
      this.status = status
      if (status.job) this.training.follow(status.job)
      if (this.loss.length === 0 && status.checkpoint) {
        const history = status.checkpoint.history
        this.loss = history.map((h) => ({ step: h.step, value: h.loss }))
        this.reconstruction = history.map((h) => ({ step: h.step, value: h.reconstruction }))
        this.kl = history.map((h) => ({ step: h.step, value: h.kl }))
      }
      this.error = null
    } catch (error) {
      this.error = (error as Error).message
    }
  }

  async start(form: TrainForm): Promise<void> {
    await this.act(async () => {
      const resuming = !form.restart && this.status?.checkpoint
      if (form.restart) {
        this.loss = []
        this.reconstruction = []
        this.kl = []
      }
      const params = resuming
        ? { project: this.project, epochs: form.epochs }
        : {
            project: this.project,
            epochs: form.epochs,
            model: form.model,
            latent: form.latent,
            beta: form.beta,
            loss: form.loss,
            restart: form.restart,
          }
      await this.training.started(engine.run('train.start', params, this.training.options))
    })
  }

  pause = () => this.jobAction('jobs.pause')
  resume = () => this.jobAction('jobs.resume')
  cancel = () => this.jobAction('jobs.cancel')

  private async jobAction(name: 'jobs.pause' | 'jobs.resume' | 'jobs.cancel'): Promise<void> {
    const id = this.training.job?.id
    if (!id) return
    await this.act(async () => {
      this.training.update(await engine.request(name, { id }))
    })
  }

  private async act(work: () => Promise<void>): Promise<void> {
    this.busy = true
    try {
      await work()
      this.error = null
    } catch (error) {
      this.error = (error as Error).message
    } finally {
      this.busy = false
    }
  }

  get job() {
    return this.training.job
  }

  get running(): boolean {
    return this.training.running
  }

  dispose(): void {
    this.training.dispose()
    for (const stop of this.stops.splice(0)) stop()
  }
}
