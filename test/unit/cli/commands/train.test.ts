import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../support/run'
import { removeProject, tinyProject } from '../../engine/train/fixtures'

let dir: string
beforeAll(async () => {
  dir = await tinyProject(10)
})
afterAll(async () => {
  await removeProject(dir)
})

describe('atelier train and eval', () => {
  it('trains, then evaluates on held-out images and writes the sheets', async () => {
    const small = ['--latent', '4', '--filters', '4', '--batch', '4', '--seed', '2']
    const trained = await cli(
      'train',
      '--project',
      dir,
      '--epochs',
      '1',
      ...small,
      '--backend',
      'cpu',
      '--json',
    )
    expect(trained.code).toBe(0)
    expect(JSON.parse(trained.out)).toMatchObject({ state: 'done', result: { epochsDone: 1 } })

    const grid = join(dir, 'grid.png')
    const samples = join(dir, 'samples.png')
    const evaluated = await cli(
      'eval',
      '--project',
      dir,
      '--grid',
      grid,
      '--samples',
      samples,
      '--backend',
      'cpu',
      '--json',
    )
    expect(evaluated.code).toBe(0)
    const figures = JSON.parse(evaluated.out) as { count: number; msePerPixel: number; kl: number }
    expect(figures.count).toBe(1)
    expect(figures.msePerPixel).toBeGreaterThan(0)
    expect(existsSync(grid) && existsSync(samples)).toBe(true)
  })

  it('says what is wrong with a bad flag', async () => {
    const { code, out } = await cli('train', '--project', dir, '--epochs', 'lots', '--json')
    expect(code).toBe(2)
    expect(out).toContain('--epochs lots is not a whole number')
  })
})
