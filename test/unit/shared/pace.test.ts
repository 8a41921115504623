import { describe, expect, it } from 'vitest'
import { perSecond, progressThrottle, RateMeter, Throttle } from '../../../src/shared/pace'

/** A clock that moves only when told. */
function fakeClock(start = 1_000) {
  let now = start
  return { clock: () => now, advance: (ms: number) => (now += ms) }
}

describe('Throttle', () => {
  it('passes the first call, then once an interval, and always when forced', () => {
    const { clock, advance } = fakeClock()
    const throttle = new Throttle(100, clock)
    expect(throttle.pass()).toBe(true)
    advance(99)
    expect(throttle.pass()).toBe(false)
    expect(throttle.pass(true)).toBe(true)
    advance(99)
    // The forced pass started a new interval.
    expect(throttle.pass()).toBe(false)
    advance(1)
    expect(throttle.pass()).toBe(true)
  })

  it('started from a time, waits a whole interval first', () => {
    const { clock, advance } = fakeClock()
    const throttle = new Throttle(1_000, clock, clock())
    expect(throttle.pass()).toBe(false)
    advance(1_000)
    expect(throttle.pass()).toBe(true)
  })

  it('waited asks without passing; restart counts the interval from now; the interval may change', () => {
    const { clock, advance } = fakeClock()
    const throttle = new Throttle(100, clock, clock())
    advance(60)
    expect(throttle.waited()).toBe(false)
    expect(throttle.waited(50)).toBe(true)
    advance(40)
    expect(throttle.waited()).toBe(true)
    expect(throttle.waited()).toBe(true)
    throttle.restart()
    expect(throttle.waited()).toBe(false)
    throttle.intervalMs = 300
    advance(200)
    expect(throttle.pass()).toBe(false)
    advance(100)
    expect(throttle.pass()).toBe(true)
  })

  it('a progress throttle lets through about ten a second', () => {
    const { clock, advance } = fakeClock()
    const throttle = progressThrottle(clock)
    let passed = 0
    for (let ms = 0; ms < 1_000; ms += 10, advance(10)) if (throttle.pass()) passed++
    expect(passed).toBe(10)
  })
})

describe('RateMeter', () => {
  it('without a span, gives the mean since it was made', () => {
    const { clock, advance } = fakeClock()
    const meter = new RateMeter(clock)
    expect(meter.perSecond()).toBe(0)
    advance(500)
    expect(meter.record(100)).toBe(200)
    advance(1_500)
    expect(meter.record(300)).toBe(150)
    expect(meter.seconds()).toBe(2)
  })

  it('with a span, follows the recent speed', () => {
    const { clock, advance } = fakeClock()
    const meter = new RateMeter(clock, 3)
    let count = 0
    // Ten images a second for a while, then a hundred.
    for (let i = 0; i < 5; i++) {
      advance(1_000)
      meter.record((count += 10))
    }
    expect(meter.perSecond()).toBe(10)
    advance(1_000)
    meter.record((count += 100))
    advance(1_000)
    expect(meter.record((count += 100))).toBe(100)
    // Its seconds are the span's, not the run's.
    expect(meter.seconds()).toBe(2)
  })

  it('answers 0 while no time has passed', () => {
    const { clock } = fakeClock()
    expect(new RateMeter(clock).record(50)).toBe(0)
  })
})

describe('perSecond', () => {
  it('divides, and answers 0 for no time', () => {
    expect(perSecond(30, 2)).toBe(15)
    expect(perSecond(30, 0)).toBe(0)
  })
})
