import type { EstimatedLabels } from '../labels/types'
import { EXPRESSIONS, type DetectedFace } from './detector'

/** `smiling` is 1 where face-api's "happy" is at least this likely. */
export const SMILING_THRESHOLD = 0.5

/**
 * The labels estimated from one face: each expression's probability, `smiling`
 * (1 when happy >= 0.5, else 0), `age` in years, `gender` as the model names it
 * ('male' | 'female') and `genderProbability`, to three decimals.
 */
export function faceEstimates(face: DetectedFace): EstimatedLabels {
  const labels: EstimatedLabels = {}
  for (const name of EXPRESSIONS) labels[name] = round3(face.expressions[name])
  labels.smiling = face.expressions.happy >= SMILING_THRESHOLD ? 1 : 0
  labels.age = Math.round(face.age * 10) / 10
  labels.gender = face.gender
  labels.genderProbability = round3(face.genderProbability)
  return labels
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000
}
