import { describe, expect, it } from 'vitest'
import { EpochLosses } from '../../../../src/main/engine/train/epoch-losses'

describe('EpochLosses', () => {
  it("averages the epoch's steps, and starts afresh at the next epoch", () => {
    const losses = new EpochLosses()
    expect(losses.mean({ step: 0, epoch: 0 })).toBeNull()
    losses.add({ loss: 10, reconstruction: 8, kl: 2 })
    losses.add({ loss: 20, reconstruction: 14, kl: 6 })
    expect(losses.mean({ step: 2, epoch: 0 })).toEqual({
      step: 2,
      epoch: 0,
      loss: 15,
      reconstruction: 11,
      kl: 4,
    })
    losses.reset()
    expect(losses.mean({ step: 2, epoch: 1 })).toBeNull()
  })

  it("a resumed epoch goes on from its checkpoint's mean, weighted by the steps it had", () => {
    const history = [
      { step: 4, epoch: 0, loss: 100, reconstruction: 90, kl: 10 },
      { step: 6, epoch: 1, loss: 30, reconstruction: 24, kl: 6 },
    ]
    const losses = EpochLosses.resumed(history, 1, 2)
    losses.add({ loss: 60, reconstruction: 48, kl: 12 })
    expect(losses.mean({ step: 7, epoch: 1 })).toEqual({
      step: 7,
      epoch: 1,
      loss: 40,
      reconstruction: 32,
      kl: 8,
    })
    // At an epoch's start there is nothing of it to go on from.
    expect(EpochLosses.resumed(history, 1, 0).mean({ step: 4, epoch: 1 })).toBeNull()
  })
})
