import type { Favourite, Rendered } from '@shared/contract'
import { engine } from '../engine/engine.svelte'
import { showingProblem } from '../ui/problem'

/** The open project's favourite faces and their decoded thumbnails. */
class Favourites {
  list = $state.raw<Favourite[]>([])
  /** One frame per favourite, in `list` order; null until decoded (or with none). */
  thumbnails = $state.raw<Rendered | null>(null)
  problem = $state<string | null>(null)
  private project: string | null = null

  /** Loads the favourites of `project` (null: none open) and decodes them. */
  async load(project: string | null): Promise<void> {
    this.project = project
    this.list = []
    this.thumbnails = null
    this.problem = null
    if (project) await this.refresh()
  }

  async add(z: number[], name: string): Promise<void> {
    if (!this.project) return
    await showingProblem(this, () =>
      engine.request('create.favourites.add', {
        project: this.project as string,
        name,
        source: { kind: 'code', z },
      }),
    )
    await this.refresh()
  }

  async remove(id: string): Promise<void> {
    if (!this.project) return
    await showingProblem(this, () =>
      engine.request('create.favourites.remove', { project: this.project as string, id }),
    )
    await this.refresh()
  }

  private async refresh(): Promise<void> {
    const project = this.project
    if (!project) return
    await showingProblem(this, async () => {
      const list = await engine.request('create.favourites.list', { project })
      const thumbnails =
        list.length === 0
          ? null
          : await engine.request('create.render', {
              project,
              recipe: {
                kind: 'faces',
                sources: list.map((f) => ({ kind: 'code' as const, z: f.z })),
              },
            })
      // A project switch while this was under way: its answer is stale.
      if (project !== this.project) return
      this.list = list
      this.thumbnails = thumbnails
    })
  }
}

export const favourites = new Favourites()
