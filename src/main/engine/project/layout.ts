import { join } from 'node:path'
import { PROJECT_MANIFEST } from '@shared/contract'

/** Where each part of a project lives inside its folder (DESIGN.md, "A project on disk"). */
export function projectLayout(dir: string) {
  return {
    dir,
    manifest: join(dir, PROJECT_MANIFEST),
    dataset: join(dir, 'dataset'),
    model: join(dir, 'model'),
    checkpoints: join(dir, 'checkpoints'),
    latents: join(dir, 'latents.f32'),
    latentsShape: join(dir, 'latents.json'),
    exports: join(dir, 'exports'),
  }
}

export type ProjectLayout = ReturnType<typeof projectLayout>
