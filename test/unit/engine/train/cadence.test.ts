import { describe, expect, it } from 'vitest'
import { EPOCH_CHECKPOINT_GAP_MS, TrainCadence } from '../../../../src/main/engine/train/cadence'

function cadence(times: Partial<ConstructorParameters<typeof TrainCadence>[0]> = {}) {
  let now = 50_000
  const made = new TrainCadence(
    { checkpointSeconds: 120, previewSeconds: 3, maxSeconds: null, ...times },
    () => now,
  )
  return { cadence: made, advance: (ms: number) => (now += ms) }
}

describe('TrainCadence', () => {
  it('reports progress about ten times a second, and always after the last step', () => {
    const { cadence: c, advance } = cadence()
    expect(c.progressDue(false)).toBe(true)
    advance(50)
    expect(c.progressDue(false)).toBe(false)
    expect(c.progressDue(true)).toBe(true)
    advance(100)
    expect(c.progressDue(false)).toBe(true)
  })

  it('previews at once, then every few seconds, later when a preview was slow', () => {
    const { cadence: c, advance } = cadence()
    expect(c.previewDue()).toBe(true)
    c.previewed(10)
    advance(2_999)
    expect(c.previewDue()).toBe(false)
    advance(1)
    expect(c.previewDue()).toBe(true)
    // A preview of 1 s waits 20 s: previews take at most ~5% of the time.
    c.previewed(1_000)
    advance(19_999)
    expect(c.previewDue()).toBe(false)
    advance(1)
    expect(c.previewDue()).toBe(true)
  })

  it('checkpoints every checkpointSeconds from the start, then from the last one, never on the last step', () => {
    const { cadence: c, advance } = cadence({ checkpointSeconds: 60 })
    advance(59_999)
    expect(c.checkpointDue(false)).toBe(false)
    advance(1)
    expect(c.checkpointDue(false)).toBe(true)
    expect(c.checkpointDue(true)).toBe(false)
    c.saved()
    advance(30_000)
    expect(c.checkpointDue(false)).toBe(false)
  })

  it("saves at an epoch's end only when the last checkpoint is a few seconds old", () => {
    const { cadence: c, advance } = cadence()
    advance(EPOCH_CHECKPOINT_GAP_MS - 1)
    expect(c.epochCheckpointDue()).toBe(false)
    advance(1)
    expect(c.epochCheckpointDue()).toBe(true)
    c.saved()
    expect(c.epochCheckpointDue()).toBe(false)
  })

  it('ends a time budget, and its ETA is the sooner of the work left and the budget left', () => {
    const { cadence: c, advance } = cadence({ maxSeconds: 100 })
    expect(c.etaSeconds(1_000, 0)).toBe(100)
    advance(40_000)
    expect(c.budgetSpent()).toBe(false)
    expect(c.etaSeconds(1_000, 100)).toBe(10)
    expect(c.etaSeconds(100_000, 100)).toBe(60)
    advance(60_000)
    expect(c.budgetSpent()).toBe(true)
  })

  it('without a budget, knows no ETA until the speed is known', () => {
    const { cadence: c } = cadence()
    expect(c.etaSeconds(1_000, 0)).toBeNull()
    expect(c.etaSeconds(1_000, 50)).toBe(20)
    expect(c.budgetSpent()).toBe(false)
  })
})
