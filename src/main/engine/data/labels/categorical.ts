/**
 * Which labels the artist marked categorical, with their value names: kept in
 * `atelier.json` under `categoricalLabels` ({ label: { names } }).
 */
import type { LabelSummary } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { readManifest, updateManifest } from '../../project/manifest'

type CategoricalTable = Record<string, { names: Record<string, string> }>

/** The project's categorical labels. */
export async function categoricalLabels(projectDir: string): Promise<CategoricalTable> {
  const table = (await readManifest(projectDir)).categoricalLabels
  return table && typeof table === 'object' ? (table as CategoricalTable) : {}
}

/** The summaries with each categorical label marked (pure). */
export function withCategorical(
  summaries: LabelSummary[],
  table: CategoricalTable,
): LabelSummary[] {
  return summaries.map((s) =>
    table[s.name] ? { ...s, categorical: { names: { ...table[s.name].names } } } : s,
  )
}

/**
 * Marks `label` categorical (merging `names` into its value names; an empty
 * name removes one) or plain again. Binary labels are attributes already.
 */
export async function setCategorical(
  projectDir: string,
  summaries: LabelSummary[],
  label: string,
  categorical: boolean,
  names: Record<string, string> = {},
): Promise<LabelSummary[]> {
  const summary = summaries.find((s) => s.name === label)
  if (!summary) {
    throw new EngineError(
      'not_found',
      `The dataset has no label '${label}' (it has: ${summaries.map((s) => s.name).join(', ') || 'none'}).`,
    )
  }
  if (categorical && summary.kind === 'binary') {
    throw new EngineError(
      'bad_request',
      `The label '${label}' only takes yes and no; it is an attribute as it is and needs no categories.`,
    )
  }
  const manifest = await updateManifest(projectDir, (m) => {
    const table = { ...((m.categoricalLabels ?? {}) as CategoricalTable) }
    if (categorical) {
      const merged = { ...(table[label]?.names ?? {}), ...names }
      for (const [value, name] of Object.entries(merged)) if (!name) delete merged[value]
      table[label] = { names: merged }
    } else {
      delete table[label]
    }
    m.categoricalLabels = table
  })
  return withCategorical(summaries, (manifest.categoricalLabels ?? {}) as CategoricalTable)
}
