/**
 * An undo history of whole snapshots. Edits of the same group in a row (one
 * slider dragged through many values) make one step, so Ctrl+Z goes back to
 * before the drag, not one pixel of it.
 */
export class UndoStack<T> {
  private past: T[] = []
  private future: T[] = []
  private lastGroup: string | null = null

  constructor(private readonly limit = 100) {}

  get canUndo(): boolean {
    return this.past.length > 0
  }

  get canRedo(): boolean {
    return this.future.length > 0
  }

  /**
   * Records an edit made from state `before`. With a `group`, an edit right after
   * another of the same group joins it (its `before` is already on the stack).
   */
  record(before: T, group: string | null = null): void {
    const joins = group !== null && group === this.lastGroup && this.past.length > 0
    this.lastGroup = group
    this.future = []
    if (joins) return
    this.past.push(before)
    if (this.past.length > this.limit) this.past.shift()
  }

  /** The state to go back to from `current`, or null when there is none. */
  undo(current: T): T | null {
    const previous = this.past.pop()
    if (previous === undefined) return null
    this.future.push(current)
    this.lastGroup = null
    return previous
  }

  /** The state an undo left, from `current`, or null when there is none. */
  redo(current: T): T | null {
    const next = this.future.pop()
    if (next === undefined) return null
    this.past.push(current)
    this.lastGroup = null
    return next
  }

  clear(): void {
    this.past = []
    this.future = []
    this.lastGroup = null
  }
}
