import { describe, expect, it } from 'vitest'
import { percentileOf, plainLoop, timeRuns } from '../../../../src/main/cli/bench/timing'

describe('percentileOf', () => {
  it('takes the nearest rank, whatever order the times come in', () => {
    const times = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]
    expect(percentileOf(times, 0.5)).toBe(6)
    expect(percentileOf(times, 0.95)).toBe(10)
    expect(percentileOf(times, 0)).toBe(1)
    expect(times[0]).toBe(5)
    expect(percentileOf([], 0.5)).toBeNaN()
  })
})

describe('timeRuns', () => {
  it('runs back to back without a pace, and spaces the runs by the pace with one', async () => {
    let calls = 0
    const work = async () => {
      calls++
    }
    expect(await timeRuns(3, 0, work)).toHaveLength(3)
    const began = performance.now()
    const paced = await timeRuns(4, 10, work)
    // Three waits of 10 ms at least; each run timed from when it was due, not from the start.
    expect(performance.now() - began).toBeGreaterThanOrEqual(29)
    expect(paced).toHaveLength(4)
    expect(paced.every((ms) => ms >= 0)).toBe(true)
    expect(calls).toBe(7)
  })
})

describe('plainLoop', () => {
  it('keeps the length it was sized for, and runs', () => {
    const loop = plainLoop(0.5)
    expect(loop.ms).toBe(0.5)
    loop.run()
  })
})
