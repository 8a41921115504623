/**
 * The browser host's folder picker: lists the folders under the artist's home
 * folder, and only there. A browser page cannot open a native dialog, so the
 * engine lists folders for it; confining the listing to home keeps a page that
 * holds the token from mapping the rest of the disk.
 */
import { readdir, realpath, stat } from 'node:fs/promises'
import { basename, dirname, join, relative, sep, isAbsolute } from 'node:path'
import type { FolderListing } from '@shared/contract'
import { EngineError } from '@shared/protocol'

/** A listing stops here; a folder with more sub-folders says it was cut. */
export const MAX_FOLDERS = 500

/** True when `path` is `root` or lies inside it (both already real paths). */
function within(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}

/** The real path of `path`, or a user-facing error naming it. */
async function real(path: string): Promise<string> {
  try {
    return await realpath(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new EngineError(
      'not_found',
      code === 'ENOENT'
        ? `The folder ${path} does not exist; choose another one.`
        : `The folder ${path} cannot be read (${code ?? (error as Error).message}).`,
    )
  }
}

/**
 * The sub-folders of `dir` (default: `home`), sorted by name. Refuses any
 * folder whose real path is outside `home`, so a symlink pointing out of
 * home is refused too; sub-folders that are symlinks escaping home are left out.
 */
export async function listFolders(
  home: string,
  dir: string = home,
  options: { hidden?: boolean } = {},
): Promise<FolderListing> {
  const realHome = await real(home)
  const realDir = await real(dir)
  if (!within(realHome, realDir)) {
    throw new EngineError(
      'bad_request',
      `${dir} is outside your home folder (${home}); the folder picker only shows folders under it. Type the path instead.`,
    )
  }
  if (!(await stat(realDir)).isDirectory()) {
    throw new EngineError('bad_request', `${dir} is a file, not a folder; choose a folder.`)
  }
  const entries = await readdir(realDir, { withFileTypes: true }).catch((error: unknown) => {
    throw new EngineError(
      'failed',
      `The folder ${dir} cannot be read (${(error as Error).message}).`,
    )
  })
  const names = entries
    .filter((e) => options.hidden || !e.name.startsWith('.'))
    .filter((e) => e.isDirectory() || e.isSymbolicLink())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b))
  const folders: FolderListing['folders'] = []
  let truncated = false
  for (const name of names) {
    if (folders.length === MAX_FOLDERS) {
      truncated = true
      break
    }
    const path = join(realDir, name)
    // A symlinked folder is listed only where it stays inside home.
    const target = await realpath(path).catch(() => null)
    if (target === null || !within(realHome, target)) continue
    if (
      !(await stat(target).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    )
      continue
    folders.push({ name, path })
  }
  return {
    home: realHome,
    dir: realDir,
    name: realDir === realHome ? '~' : basename(realDir),
    parent: realDir === realHome ? null : dirname(realDir),
    folders,
    truncated,
  }
}
