import { describe, expect, it } from 'vitest'
import { events, requests } from '@shared/contract'
import { mergeDefs } from '@shared/contract/define'

describe('the contract', () => {
  it('refuses a name declared twice, at start-up', () => {
    expect(() => mergeDefs('request', { ping: 1 }, { ping: 2 })).toThrow(
      "Duplicate request name in the contract: 'ping'",
    )
  })

  it('names the basic requests and events', () => {
    for (const name of ['info', 'ping', 'jobs.list', 'jobs.get', 'jobs.cancel']) {
      expect(requests).toHaveProperty([name])
    }
    expect(events).toHaveProperty(['job'])
    expect(events).toHaveProperty(['engine.status'])
  })

  it('accepts good params', () => {
    expect(requests.ping.params.safeParse({ echo: 'hello' }).success).toBe(true)
    expect(requests['jobs.get'].params.safeParse({ id: 'abc' }).success).toBe(true)
    expect(requests['jobs.list'].params.safeParse({ kind: 'train' }).success).toBe(true)
  })

  it('rejects bad params', () => {
    expect(requests['jobs.get'].params.safeParse({}).success).toBe(false)
    expect(requests['jobs.get'].params.safeParse({ id: 42 }).success).toBe(false)
    expect(requests['jobs.get'].params.safeParse({ id: 'x'.repeat(65) }).success).toBe(false)
    expect(requests['jobs.list'].params.safeParse({ kind: 'mine bitcoin' }).success).toBe(false)
    expect(requests.ping.params.safeParse({ echo: 'x'.repeat(10_001) }).success).toBe(false)
    // Unknown keys are mistakes, not silently ignored.
    expect(requests.ping.params.safeParse({ echoo: 'typo' }).success).toBe(false)
  })
})
