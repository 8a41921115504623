import type { DesktopApi } from '@shared/desktop-api'

const desktop = (window as { atelier?: DesktopApi }).atelier

/**
 * Choosing a folder: the native dialog on the desktop; in the browser, where
 * there is none, the app's own folder browser (`FolderBrowser.svelte`, which
 * lists folders under the home folder through the engine).
 */
class FolderChooser {
  /** The open browser's title; null while none is open. */
  title = $state<string | null>(null)
  /** Where the browser starts (a folder under home), or home when null. */
  start = $state<string | null>(null)
  private settle: ((dir: string | null) => void) | null = null

  /** The chosen absolute folder, or null when the artist cancels. */
  choose(title: string, start: string | null = null): Promise<string | null> {
    if (desktop) return desktop.dialogs.openFolder(title)
    this.settle?.(null)
    this.title = title
    this.start = start
    return new Promise((resolve) => (this.settle = resolve))
  }

  /** Closes the browser with the chosen folder (null: cancelled). */
  close(dir: string | null): void {
    const settle = this.settle
    this.settle = null
    this.title = null
    settle?.(dir)
  }
}

export const folderChooser = new FolderChooser()
