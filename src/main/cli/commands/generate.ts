import { GENERATE_DENSITIES, type GenerateDensity, type Recipe } from '@shared/contract'
import { command, numberFlag, UsageError } from '../command'
import {
  formatWritten,
  imageFlag,
  outputOptions,
  readyProject,
  runExport,
  type WrittenResult,
} from './export'

export const generate = command({
  name: 'generate',
  summary: 'New faces from the prior (temperature, seed), or "more like this" near an image',
  usage:
    'atelier generate --project DIR --n N [--temperature t] [--density fitted|prior] [--seed s] [--near IMG [--spread s]] [--format png|sheet|gif|webp|csv] [--size model|256|512] --out DIR [--name NAME] [--overwrite] [--json]',
  options: {
    ...outputOptions,
    n: { type: 'string' },
    temperature: { type: 'string' },
    density: { type: 'string' },
    seed: { type: 'string' },
    near: { type: 'string' },
    spread: { type: 'string' },
  },
  run: async (inv): Promise<WrittenResult> => {
    const n = numberFlag(inv.values, 'n', 16, { min: 1, max: 1024, integer: true })
    const seed = numberFlag(inv.values, 'seed', Math.floor(Math.random() * 1e9), {
      min: 0,
      max: 0xffffffff,
      integer: true,
    })
    const { project, engine } = await readyProject(inv)
    const recipe: Recipe =
      typeof inv.values.near === 'string'
        ? {
            kind: 'near',
            source: await imageFlag(project, inv.values.near, 'near'),
            n,
            spread: numberFlag(inv.values, 'spread', 0.5, { min: 0, max: 4 }),
            seed,
          }
        : {
            kind: 'generate',
            n,
            temperature: numberFlag(inv.values, 'temperature', 1, { min: 0, max: 4 }),
            density: densityFlag(inv.values.density),
            seed,
          }
    return runExport(inv, engine, project, recipe, 'png')
  },
  format: formatWritten,
})

/** `--density`: the fitted density unless the prior is asked for (its faces look more like faces). */
function densityFlag(value: unknown): GenerateDensity {
  if (value === undefined) return 'fitted'
  if (!(GENERATE_DENSITIES as readonly unknown[]).includes(value)) {
    throw new UsageError(`--density ${String(value)}: use one of ${GENERATE_DENSITIES.join(', ')}.`)
  }
  return value as GenerateDensity
}
