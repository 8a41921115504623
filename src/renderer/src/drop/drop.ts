/**
 * What a drop onto the window means, decided from what was dropped: pure, so
 * the DOM part (`DropTarget.svelte`) only gathers facts and carries it out.
 */

/** One dropped item, as the window sees it. */
export interface DroppedItem {
  name: string
  /** Its absolute path on disk; null where the host does not reveal it (a browser). */
  path: string | null
  /** A folder (from the drop's file-system entry), not a file. */
  folder: boolean
  /** A folder that holds a project (`atelier.json`). */
  project: boolean
  /** The MIME type the host reports ('' when it does not know). */
  type: string
}

/** What the app does with a drop. */
export type DropMeaning =
  | { kind: 'open-project'; dir: string }
  | { kind: 'use-folder'; dir: string }
  | { kind: 'encode-image'; file: string; name: string }
  /** The host keeps the path to itself (a browser): nothing can be read from disk. */
  | { kind: 'no-path'; name: string; folder: boolean }
  | { kind: 'unsupported'; name: string }
  | { kind: 'nothing' }

/** The first dropped item decides: one folder or one image at a time. */
export function dropMeaning(items: readonly DroppedItem[]): DropMeaning {
  const item = items[0]
  if (!item) return { kind: 'nothing' }
  const image = !item.folder && item.type.startsWith('image/')
  if (!item.folder && !image) return { kind: 'unsupported', name: item.name }
  if (item.path === null) return { kind: 'no-path', name: item.name, folder: item.folder }
  if (image) return { kind: 'encode-image', file: item.path, name: item.name }
  return item.project
    ? { kind: 'open-project', dir: item.path }
    : { kind: 'use-folder', dir: item.path }
}

/** The line shown when a drop cannot be used as it is, or null when it can. */
export function dropProblem(meaning: DropMeaning): string | null {
  switch (meaning.kind) {
    case 'no-path':
      return (
        `The browser does not tell the app where "${meaning.name}" is on disk, so it cannot use it. ` +
        (meaning.folder
          ? 'Choose the folder with Browse… in the Dataset panel instead.'
          : 'Type its path under "A or B from an image file" in the Morph panel instead.') +
        ' The desktop app takes drops directly.'
      )
    case 'unsupported':
      return `"${meaning.name}" is neither a folder nor an image: drop a folder of images, a project folder, or one image.`
    default:
      return null
  }
}
