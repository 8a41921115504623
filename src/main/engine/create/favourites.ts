/** Favourite faces, kept in the project's manifest key `favourites` as latent codes. */
import { randomUUID } from 'node:crypto'
import type { Favourite } from '@shared/contract'
import { readManifest, updateManifest } from '../project/manifest'

export async function listFavourites(projectDir: string): Promise<Favourite[]> {
  const manifest = await readManifest(projectDir)
  return Array.isArray(manifest.favourites) ? (manifest.favourites as Favourite[]) : []
}

export async function addFavourite(
  projectDir: string,
  favourite: Omit<Favourite, 'id' | 'createdAt'>,
): Promise<Favourite> {
  const entry: Favourite = { id: randomUUID(), createdAt: new Date().toISOString(), ...favourite }
  await updateManifest(projectDir, (manifest) => {
    const list = Array.isArray(manifest.favourites) ? (manifest.favourites as Favourite[]) : []
    manifest.favourites = [...list, entry]
  })
  return entry
}

export async function removeFavourite(projectDir: string, id: string): Promise<boolean> {
  let removed = false
  await updateManifest(projectDir, (manifest) => {
    const list = Array.isArray(manifest.favourites) ? (manifest.favourites as Favourite[]) : []
    const kept = list.filter((f) => f.id !== id)
    removed = kept.length !== list.length
    manifest.favourites = kept
  })
  return removed
}
