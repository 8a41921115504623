import { describe, expect, it } from 'vitest'
import { cli } from './support/run'

describe('atelier CLI', () => {
  it('lists its commands with --help', async () => {
    const { code, out } = await cli('--help')
    expect(code).toBe(0)
    expect(out).toContain('info')
    expect(out).toContain('--json')
  })

  it('prints the engine info as one JSON object with --json', async () => {
    const { code, out } = await cli('info', '--json', '--backend', 'cpu')
    expect(code).toBe(0)
    const info = JSON.parse(out) as {
      backend: string
      backends: { name: string; available: boolean }[]
    }
    expect(info.backend).toBe('cpu')
    expect(info.backends.map((b) => b.name)).toEqual([
      'tensorflow-gpu',
      'webgpu',
      'tensorflow',
      'wasm',
      'cpu',
    ])
  })

  it('refuses an unknown command and a bad flag with usage errors', async () => {
    expect((await cli('paint')).code).toBe(2)
    const bad = await cli('info', '--colour', 'red')
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('usage: atelier info')
    const backend = await cli('info', '--backend', 'quantum')
    expect(backend.code).toBe(2)
    expect(backend.err).toContain('--backend quantum is not a backend')
  })
})
