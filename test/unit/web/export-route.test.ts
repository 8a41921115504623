import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveExportFile } from '../../../src/main/web/export-route'
import { exportFileUrl } from '../../../src/shared/web-routes'

describe('the browser host serves export files of the project, and only those', () => {
  let root: string
  let project: string
  let server: Server
  let origin: string
  const files: Record<string, string> = {}

  beforeAll(async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'atelier-export-route-')))
    project = join(root, 'project')
    const exports = join(project, 'exports')
    mkdirSync(exports, { recursive: true })
    const secret = join(root, 'secret.png')
    writeFileSync(secret, 'not an export')
    files.sheet = join(exports, 'sheet 1.png')
    files.csv = join(exports, 'codes.csv')
    files.unrecorded = join(exports, 'other.png')
    files.swapped = join(exports, 'swapped.png')
    files.text = join(exports, 'notes.txt')
    files.gone = join(exports, 'gone.png')
    files.manifest = join(project, 'atelier.json')
    writeFileSync(files.sheet, 'PNG bytes')
    writeFileSync(files.csv, 'z0,z1\n')
    writeFileSync(files.unrecorded, 'PNG bytes')
    writeFileSync(files.text, 'text')
    symlinkSync(secret, files.swapped)
    const recorded = [files.sheet, files.csv, files.swapped, files.text, files.gone]
    writeFileSync(
      files.manifest,
      JSON.stringify({ format: 1, createdAt: '', exports: [{ id: 'e1', files: recorded }] }),
    )
    server = createServer((req, res) => {
      void serveExportFile(new URL(req.url ?? '/', 'http://localhost').searchParams, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
    rmSync(root, { recursive: true, force: true })
  })

  const get = (projectDir: string, file: string) => fetch(origin + exportFileUrl(projectDir, file))

  it('serves a recorded export as a download named after the file', async () => {
    const reply = await get(project, files.sheet)
    expect(reply.status).toBe(200)
    expect(reply.headers.get('content-type')).toBe('image/png')
    expect(reply.headers.get('content-disposition')).toBe(
      "attachment; filename*=UTF-8''sheet%201.png",
    )
    expect(await reply.text()).toBe('PNG bytes')
    expect((await get(project, files.csv)).headers.get('content-type')).toMatch(/^text\/csv/)
  })

  it('refuses a file in the exports folder that no export recorded', async () => {
    expect((await get(project, files.unrecorded)).status).toBe(404)
  })

  it('refuses a recorded name that is now a symlink, or not an export type, or gone', async () => {
    const swapped = await get(project, files.swapped)
    expect(swapped.status).toBe(404)
    expect(await swapped.text()).not.toContain('not an export')
    expect((await get(project, files.text)).status).toBe(404)
    expect((await get(project, files.gone)).status).toBe(404)
  })

  it('refuses the manifest, paths with "..", relative paths, and another project', async () => {
    expect((await get(project, files.manifest)).status).toBe(404)
    expect((await get(project, `${project}/exports/../exports/sheet 1.png`)).status).toBe(404)
    expect((await get(project, 'exports/sheet 1.png')).status).toBe(404)
    expect((await get(join(root, 'elsewhere'), files.sheet)).status).toBe(404)
    expect(
      (await fetch(`${origin}/export-file?file=${encodeURIComponent(files.sheet)}`)).status,
    ).toBe(404)
  })
})
