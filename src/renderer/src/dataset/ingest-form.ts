import { CROP_MODES, DATASET_SIZES, type DatasetInfo, type FacesChoice } from '@shared/contract'

/** The Dataset panel's ingest form. */
export interface IngestForm {
  kind: 'folder' | 'demo'
  folder: string
  crop: (typeof CROP_MODES)[number]
  faces: FacesChoice
  size: (typeof DATASET_SIZES)[number]
  labelsFile: string
  pattern: string
  folderLabels: boolean
  count: number
  seed: number
}

const EMPTY: IngestForm = {
  kind: 'folder',
  folder: '',
  crop: 'center',
  faces: 'largest',
  size: 64,
  labelsFile: '',
  pattern: '',
  folderLabels: false,
  count: 2000,
  seed: 1,
}

/**
 * The form as the project's dataset was last made (empty for a project without one): ingesting
 * again then keeps its folder, crop, size and labels, and only adds what changed in the folder,
 * instead of cropping every image anew the default way.
 */
export function formFor(info: DatasetInfo | null): IngestForm {
  if (!info) return { ...EMPTY }
  const size = (DATASET_SIZES as readonly number[]).includes(info.size)
    ? (info.size as IngestForm['size'])
    : EMPTY.size
  const source = info.source
  if (source.kind === 'synthetic') {
    return { ...EMPTY, kind: 'demo', size, count: info.count, seed: source.seed }
  }
  return {
    ...EMPTY,
    size,
    folder: source.folder,
    crop: source.crop,
    faces: source.faces ?? 'largest',
    labelsFile: source.labels?.file ?? '',
    pattern: source.labels?.pattern ?? '',
    folderLabels: source.labels?.folders === true,
  }
}
