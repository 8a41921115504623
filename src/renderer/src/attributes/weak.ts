import { WEAK_SEPARATION, type AttributeSummary } from '@shared/contract'

/**
 * The plain-words warning for a weakly separated attribute vector, or null when
 * it is strong enough (see `WEAK_SEPARATION`).
 */
export function weakVectorWarning(
  attribute: Pick<AttributeSummary, 'name' | 'separation'>,
): string | null {
  if (attribute.separation >= WEAK_SEPARATION) return null
  return (
    `"${attribute.name}" is weakly separated: faces with and without it lie only ` +
    `${attribute.separation.toFixed(1)} spreads apart in the model, so edits along it will ` +
    'mostly change other things. More labelled faces or a longer training may make it stronger.'
  )
}
