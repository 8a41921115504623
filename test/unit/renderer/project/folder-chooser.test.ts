import { describe, expect, it, vi } from 'vitest'

// The browser: no desktop bridge, so the app's own folder browser chooses.
vi.stubGlobal('window', {})
const { folderChooser } = await import('../../../../src/renderer/src/project/folder-chooser.svelte')

describe('choosing a folder in the browser', () => {
  it('opens the folder browser and answers with the folder chosen there', async () => {
    const chosen = folderChooser.choose('Open project', '/home/me/faces')
    expect(folderChooser.title).toBe('Open project')
    expect(folderChooser.start).toBe('/home/me/faces')
    folderChooser.close('/home/me/faces/celebs')
    expect(await chosen).toBe('/home/me/faces/celebs')
    expect(folderChooser.title).toBeNull()
  })

  it('answers null to a choice left open when another begins, and to a cancel', async () => {
    const first = folderChooser.choose('Ingest')
    const second = folderChooser.choose('Open project')
    expect(await first).toBeNull()
    folderChooser.close(null)
    expect(await second).toBeNull()
  })
})
