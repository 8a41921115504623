import { EASINGS, type Easing, type Recipe } from '@shared/contract'
import { command, numberFlag, UsageError } from '../command'
import {
  formatWritten,
  imageFlag,
  outputOptions,
  readyProject,
  runExport,
  type WrittenResult,
} from './export'

export const interpolate = command({
  name: 'interpolate',
  summary: 'Morph between two images (or through waypoints): linear or spherical (slerp)',
  usage:
    'atelier interpolate --project DIR --from A --to B [--via C,D] --frames N [--slerp] [--easing linear|ease-in-out|ease-in|ease-out] [--format png|sheet|gif|webp|csv] [--size model|256|512] --out DIR [--name NAME] [--fps F] [--ping-pong] [--overwrite] [--json]\n  A, B, C: an image index or file name of the project, or the path of any image file (encoded)',
  options: {
    ...outputOptions,
    from: { type: 'string' },
    to: { type: 'string' },
    via: { type: 'string' },
    frames: { type: 'string' },
    slerp: { type: 'boolean' },
    easing: { type: 'string' },
  },
  run: async (inv): Promise<WrittenResult> => {
    const { from, to } = inv.values
    if (typeof from !== 'string' || typeof to !== 'string') {
      throw new UsageError('--from A and --to B are required (image indices or file names).')
    }
    const easing = String(inv.values.easing ?? 'linear')
    if (!(EASINGS as readonly string[]).includes(easing)) {
      throw new UsageError(`--easing ${easing} is not one of ${EASINGS.join(', ')}.`)
    }
    const { project, engine } = await readyProject(inv)
    const via = typeof inv.values.via === 'string' ? inv.values.via.split(',').filter(Boolean) : []
    const waypoints = [
      await imageFlag(project, from, 'from'),
      ...(await Promise.all(via.map((v) => imageFlag(project, v, 'via')))),
      await imageFlag(project, to, 'to'),
    ]
    const recipe: Recipe = {
      kind: 'morph',
      waypoints,
      frames: numberFlag(inv.values, 'frames', 8, { min: 2, max: 600, integer: true }),
      interpolation: inv.values.slerp === true ? 'slerp' : 'linear',
      easing: easing as Easing,
    }
    return runExport(inv, engine, project, recipe, 'png')
  },
  format: formatWritten,
})
