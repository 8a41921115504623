/**
 * A folder dropped onto the window, waiting for the Dataset panel to put it in
 * its folder field (ready to ingest, not ingested: the artist still picks the
 * crop and labels).
 */
class DroppedFolder {
  dir = $state<string | null>(null)

  /** The waiting folder, once: the panel takes it and it is gone. */
  take(): string | null {
    const dir = this.dir
    this.dir = null
    return dir
  }
}

export const droppedFolder = new DroppedFolder()
