import type { ProjectCheck } from '@shared/contract'
import { engine } from '../engine/engine.svelte'
import { project } from './project.svelte'

/** The check of a large dataset hashes gigabytes, and a repair may encode every image again. */
const CHECK_TIMEOUT_MS = 10 * 60_000

/**
 * The open project's health: the engine's `project.check`, run each time a project opens, so a
 * damaged one opens with a banner and a Repair button rather than blank panels.
 */
class ProjectHealth {
  check = $state<ProjectCheck | null>(null)
  /** The check itself failed (not a project, unreadable folder): said in words too. */
  error = $state<string | null>(null)
  repairing = $state(false)
  private checkedDir: string | null = null

  async run(dir: string, repair = false): Promise<void> {
    this.checkedDir = dir
    this.error = null
    try {
      const check = await engine.request(
        'project.check',
        { project: dir, repair },
        { timeoutMs: CHECK_TIMEOUT_MS },
      )
      if (this.checkedDir === dir) this.check = check
    } catch (error) {
      if (this.checkedDir === dir) this.error = (error as Error).message
    }
  }

  async repair(): Promise<void> {
    if (!this.checkedDir || this.repairing) return
    this.repairing = true
    try {
      await this.run(this.checkedDir, true)
    } finally {
      this.repairing = false
    }
  }
}

export const health = new ProjectHealth()

project.onSwitch(() => {
  health.check = null
  health.error = null
})

$effect.root(() => {
  $effect(() => {
    const dir = project.dir
    // Again after an ingest or a training ends: what was being made is there now.
    void project.revision
    if (dir !== null && engine.connection === 'connected') void health.run(dir)
  })
})
