/**
 * Categorical labels as attributes: each value of a label the artist marked
 * categorical is its own attribute, "race = asian" (the images with that value)
 * against the rest. Shared by the engine (descriptions) and the Attributes panel.
 */
import type { AttributeDefinition, LabelSummary } from './contract'

/** One value of a categorical label, as an attribute to compute. */
export interface CategoryAttribute {
  /** The attribute's name: "race = asian", or "race = 2" while the value has no name. */
  name: string
  /** The value as the dataset stores it (a number for numeric columns). */
  value: number | string
  /** How many images have it. */
  count: number
  definition: AttributeDefinition
}

/** "asian (2)" for a named value, "2" otherwise. */
export function valueName(value: number | string, names: Record<string, string> = {}): string {
  const name = names[String(value)]
  return name ? `${name} (${value})` : String(value)
}

/** One attribute per value of a categorical label, commonest first; none for other labels. */
export function categoryAttributes(label: LabelSummary): CategoryAttribute[] {
  if (!label.categorical) return []
  const { names } = label.categorical
  return (label.values ?? []).map(({ value: text, count }) => {
    // Numeric columns store numbers, and a definition must match the stored type.
    const value = label.kind === 'number' ? Number(text) : text
    return {
      name: `${label.name} = ${names[text] || text}`,
      value,
      count,
      definition: { kind: 'label', label: label.name, value },
    }
  })
}
