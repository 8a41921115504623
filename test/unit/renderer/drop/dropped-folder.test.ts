import { describe, expect, it } from 'vitest'
import { droppedFolder } from '../../../../src/renderer/src/drop/dropped-folder.svelte'

describe('a dropped folder', () => {
  it('waits for the Dataset panel, which takes it once', () => {
    expect(droppedFolder.take()).toBeNull()
    droppedFolder.dir = '/photos'
    expect(droppedFolder.take()).toBe('/photos')
    expect(droppedFolder.take()).toBeNull()
  })
})
