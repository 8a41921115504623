import * as tf from '@tensorflow/tfjs-core'
import type { LossPoint, TrainSummary } from '@shared/contract'
import { perSecond, RateMeter } from '@shared/pace'
import { EngineError } from '@shared/protocol'
import { currentGpuWatch, describeGpuFault } from '../backend/webgpu/health'
import { batchToFloat } from '../data/store'
import { JobCancelled } from '../jobs/registry'
import { warmedBeta } from '../model/loss'
import type { Vae } from '../model/vae'
import type { Adam } from './adam'
import { TrainCadence } from './cadence'
import type { TrainSettings } from './checkpoint'
import { EpochLosses } from './epoch-losses'
import { LaggedLosses, lossLag, type DueLosses } from './lagged-losses'
import { previewer } from './preview'
import { deriveSeed, shuffledIndices } from './random'
import { saveRun } from './save-run'
import { trainableVariables, trainStepTerms, type StepLosses } from './step'
import type { TrainHooks, TrainPlan } from './trainer'

/** The speed (and so the ETA) follows the last this many steps. */
const SPEED_SAMPLES = 20

/** Steps in an epoch: whole batches only (a last partial batch would skew batch norm). */
export function stepsPerEpoch(settings: Pick<TrainSettings, 'trainCount' | 'batch'>): number {
  return Math.max(1, Math.floor(settings.trainCount / settings.batch))
}

/** The step a loss belongs to: steps done before it, and its epoch. */
interface StepAt {
  step: number
  epoch: number
}

/**
 * One training run of a plan's model: epochs of seeded batches through `trainStepTerms`, with
 * progress, previews and checkpoints when its cadence says, and a checkpoint at the end.
 */
export class TrainingLoop {
  private readonly backend = tf.getBackend()
  private readonly settings: TrainSettings
  private readonly variables: tf.Variable[]
  private readonly perEpoch: number
  private readonly totalSteps: number
  /** Where the run stands: steps done in all, the epoch under way and the steps of it done. */
  private readonly at: { step: number; epoch: number; stepInEpoch: number }
  private readonly startStep: number
  /** Mean losses of each finished epoch. */
  private readonly history: LossPoint[]
  private readonly epochLosses: EpochLosses
  /** The last step booked. */
  private last: LossPoint | null = null
  /** The last checkpoint written (or resumed from). */
  private saved: { generation: string | null; step: number }
  private readonly cadence: TrainCadence
  private readonly speed: RateMeter
  private readonly lagged: LaggedLosses<StepAt>
  private readonly gpu: ReturnType<typeof currentGpuWatch>
  private readonly preview: ReturnType<typeof previewer>

  constructor(
    private readonly plan: TrainPlan,
    private readonly hooks: TrainHooks,
    private readonly model: Vae,
    private readonly optimizer: Adam,
  ) {
    const { settings, resume } = plan
    this.settings = settings
    this.variables = trainableVariables(model)
    this.perEpoch = stepsPerEpoch(settings)
    this.totalSteps = this.perEpoch * settings.epochs
    this.at = {
      step: resume?.step ?? 0,
      epoch: resume?.epoch ?? 0,
      stepInEpoch: resume?.stepInEpoch ?? 0,
    }
    this.startStep = this.at.step
    this.history = (resume?.history ?? []).filter((p) => p.epoch < this.at.epoch)
    this.epochLosses = EpochLosses.resumed(
      resume?.history ?? [],
      this.at.epoch,
      this.at.stepInEpoch,
    )
    this.saved = { generation: resume?.generation ?? null, step: this.at.step }
    this.cadence = new TrainCadence(plan)
    this.speed = new RateMeter(Date.now, SPEED_SAMPLES)
    this.lagged = new LaggedLosses<StepAt>(lossLag(this.backend))
    this.gpu = currentGpuWatch(this.backend)
    this.preview = previewer(plan.dataset, settings.trainCount, plan.previewCount)
  }

  /**
   * Trains to the plan's epochs (or its time budget). A cancel saves the work done since the last
   * checkpoint; a NaN loss or a failed GPU leaves the last checkpoint as it was.
   */
  async run(): Promise<TrainSummary> {
    const { epoch, step } = this.at
    const epochs = this.settings.epochs
    this.hooks.status(
      step / this.totalSteps,
      this.plan.resume ? `resuming at epoch ${epoch + 1}/${epochs}` : 'starting',
    )
    let stoppedByBudget: boolean
    try {
      stoppedByBudget = await this.epochs()
      await this.sendPreview()
      await this.save()
    } catch (error) {
      if (error instanceof JobCancelled && this.at.step > this.saved.step) await this.save()
      throw (error instanceof JobCancelled ? null : this.gpuStop()) ?? error
    } finally {
      this.lagged.dispose()
    }
    return this.summary(stoppedByBudget)
  }

  /** Epoch after epoch; true when the time budget ended the run first. */
  private async epochs(): Promise<boolean> {
    const { trainCount, seed, epochs } = this.settings
    while (this.at.epoch < epochs) {
      const order = shuffledIndices(trainCount, deriveSeed(seed, this.at.epoch))
      while (this.at.stepInEpoch < this.perEpoch) {
        if (this.cadence.budgetSpent()) return true
        const beta = await this.step(order)
        await this.afterStep(beta)
      }
      await this.endEpoch()
    }
    return false
  }

  /** One optimiser step on the epoch's next batch; answers the beta it used. */
  private async step(order: Uint32Array): Promise<number> {
    const { batch, config, loss, seed, warmupEpochs } = this.settings
    // A step is synchronous: let the engine serve requests (pause, cancel, decode) between steps.
    await new Promise<void>((resolve) => setImmediate(resolve))
    await this.hooks.checkpoint()
    const { step, epoch, stepInEpoch } = this.at
    const indices = order.subarray(stepInEpoch * batch, (stepInEpoch + 1) * batch)
    const pixels = batchToFloat(this.plan.dataset, indices)
    const x = tf.tensor4d(pixels, [indices.length, config.size, config.size, 3])
    const beta = warmedBeta(this.settings.beta, step, warmupEpochs * this.perEpoch)
    let terms
    try {
      const options = { beta, loss, seed: deriveSeed(seed, 1_000_000 + step) }
      terms = trainStepTerms(this.model, this.optimizer, x, options, this.variables)
    } finally {
      x.dispose()
    }
    const due = await this.lagged.push(terms, { step, epoch })
    const stop = this.gpuStop()
    if (stop) throw stop
    this.book(due)
    this.at.step++
    this.at.stepInEpoch++
    return beta
  }

  /** Progress, a preview and a checkpoint, each when it is due. */
  private async afterStep(beta: number): Promise<void> {
    const { step, epoch, stepInEpoch } = this.at
    const imagesPerSecond = this.speed.record((step - this.startStep) * this.settings.batch)
    const finishing = stepInEpoch === this.perEpoch && epoch + 1 === this.settings.epochs
    if (finishing) await this.settle()
    if (this.last && this.cadence.progressDue(finishing)) {
      this.report(this.last, beta, imagesPerSecond)
    }
    if (this.cadence.previewDue()) await this.sendPreview()
    if (this.cadence.checkpointDue(finishing)) await this.save()
  }

  /** An epoch ended: its mean joins the history; a checkpoint lets the map follow training. */
  private async endEpoch(): Promise<void> {
    await this.settle()
    const point = this.epochLosses.mean(this.at)
    if (point) this.history.push(point)
    this.epochLosses.reset()
    this.at.epoch++
    this.at.stepInEpoch = 0
    const epochsLeft = this.at.epoch < this.settings.epochs
    if (epochsLeft && this.cadence.epochCheckpointDue()) await this.save()
  }

  private report(booked: LossPoint, beta: number, imagesPerSecond: number): void {
    const { step, epoch, stepInEpoch } = this.at
    const { epochs, batch } = this.settings
    const imagesLeft = (this.totalSteps - step) * batch
    this.hooks.progress({
      ...booked,
      steps: this.totalSteps,
      epochs,
      stepsPerEpoch: this.perEpoch,
      beta,
      imagesPerSecond,
      etaSeconds: this.cadence.etaSeconds(imagesLeft, imagesPerSecond),
    })
    this.hooks.status(
      step / this.totalSteps,
      `epoch ${epoch + 1}/${epochs}, step ${stepInEpoch}/${this.perEpoch}, loss ${booked.loss.toFixed(1)}`,
    )
  }

  /** Books steps' losses once read; a NaN or infinite loss stops the run. */
  private book(due: DueLosses<StepAt>[]): void {
    for (const { losses, at } of due) {
      if (![losses.loss, losses.reconstruction, losses.kl].every(Number.isFinite)) {
        const savedStep = this.saved.generation ? this.saved.step : null
        throw nonFiniteLoss(losses, at, savedStep, this.settings.learningRate)
      }
      this.epochLosses.add(losses)
      this.last = { step: at.step + 1, epoch: at.epoch, ...losses }
    }
  }

  /** Books every step still being read. */
  private async settle(): Promise<void> {
    this.book(await this.lagged.drain())
  }

  private async sendPreview(): Promise<void> {
    const began = Date.now()
    const { step, epoch } = this.at
    this.hooks.preview({ step, epoch, ...(await this.preview(this.model)) })
    this.cadence.previewed(Date.now() - began)
  }

  /** Writes a checkpoint of where the run stands, the unfinished epoch's mean so far included. */
  private async save(): Promise<void> {
    await this.settle()
    const point = this.epochLosses.mean(this.at)
    const state = await saveRun(this.plan.projectDir, this.model, this.optimizer, {
      settings: this.settings,
      datasetHash: this.plan.datasetHash,
      backend: this.backend,
      ...this.at,
      history: point && this.at.stepInEpoch > 0 ? [...this.history, point] : this.history,
      lastLosses: point ?? this.history.at(-1) ?? null,
    })
    this.saved = { generation: state.generation, step: this.at.step }
    this.cadence.saved()
    this.hooks.saved?.(state)
  }

  /** The GPU's fault as the run's error, or null while it is well. */
  private gpuStop(): EngineError | null {
    const fault = this.gpu?.fault
    if (!fault) return null
    const savedStep = this.saved.generation ? this.saved.step : null
    const at = { step: this.at.step, batch: this.settings.batch, savedStep }
    return new EngineError('failed', describeGpuFault(fault, at))
  }

  private summary(stoppedByBudget: boolean): TrainSummary {
    const seconds = this.cadence.elapsedMs() / 1000
    const final = this.history.at(-1) ?? this.last
    const images = (this.at.step - this.startStep) * this.settings.batch
    return {
      epochsDone: this.at.epoch,
      steps: this.at.step,
      loss: final?.loss ?? null,
      reconstruction: final?.reconstruction ?? null,
      kl: final?.kl ?? null,
      imagesPerSecond: perSecond(images, seconds),
      seconds,
      resumedFromEpoch: this.plan.resume ? this.plan.resume.epoch : null,
      stoppedByBudget,
      backend: this.backend,
      generation: this.saved.generation,
    }
  }
}

/** The error that stops a run whose loss is no longer a number, with what to try. */
function nonFiniteLoss(
  losses: StepLosses,
  at: StepAt,
  savedStep: number | null,
  learningRate: number,
): EngineError {
  return new EngineError(
    'failed',
    `Training stopped at step ${at.step + 1} (epoch ${at.epoch + 1}): the loss became ${Number.isNaN(losses.loss) ? 'NaN' : 'infinite'} (reconstruction ${losses.reconstruction}, KL ${losses.kl}). ` +
      (savedStep !== null
        ? `The last good checkpoint (step ${savedStep}) is kept. `
        : 'The model and checkpoint on disk are left as they were. ') +
      `Try a lower learning rate (now ${learningRate}) or beta, or a KL warm-up, and restart.`,
  )
}
