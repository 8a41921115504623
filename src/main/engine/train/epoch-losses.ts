import type { LossPoint } from '@shared/contract'
import type { StepLosses } from './step'

/** The mean losses of the epoch under way, booked step by step. */
export class EpochLosses {
  private loss = 0
  private reconstruction = 0
  private kl = 0
  private steps = 0

  /**
   * The epoch `epoch` of a resumed run: its point in `history` (the checkpoint's mean of its
   * first `stepInEpoch` steps) counts as that many steps already booked.
   */
  static resumed(history: LossPoint[], epoch: number, stepInEpoch: number): EpochLosses {
    const losses = new EpochLosses()
    const partial = history.find((p) => p.epoch === epoch)
    if (partial && stepInEpoch > 0) {
      losses.loss = partial.loss * stepInEpoch
      losses.reconstruction = partial.reconstruction * stepInEpoch
      losses.kl = partial.kl * stepInEpoch
      losses.steps = stepInEpoch
    }
    return losses
  }

  add(step: StepLosses): void {
    this.loss += step.loss
    this.reconstruction += step.reconstruction
    this.kl += step.kl
    this.steps++
  }

  /** The epoch's point so far, as of `at`; null before its first step is booked. */
  mean(at: { step: number; epoch: number }): LossPoint | null {
    if (this.steps === 0) return null
    return {
      step: at.step,
      epoch: at.epoch,
      loss: this.loss / this.steps,
      reconstruction: this.reconstruction / this.steps,
      kl: this.kl / this.steps,
    }
  }

  /** Starts the next epoch. */
  reset(): void {
    this.loss = this.reconstruction = this.kl = this.steps = 0
  }
}
