import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { basename, extname } from 'node:path'
import { recordedExportFile } from '../engine/create/export-records'
import { CONTENT_TYPES } from './static'

/**
 * Serves `file` of `project` as a download when, and only when, an export of
 * that project wrote it (see `recordedExportFile`); anything else is not found,
 * so the route cannot be used to read other files.
 */
export async function serveExportFile(query: URLSearchParams, res: ServerResponse): Promise<void> {
  const project = query.get('project')
  const file = query.get('file')
  const path = project && file ? await recordedExportFile(project, file) : null
  const info = path === null ? null : await stat(path).catch(() => null)
  if (path === null || info === null) {
    res
      .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      .end(
        'Not an export of this project (or it was moved): export it again from the Export panel.\n',
      )
    return
  }
  const name = basename(path)
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
    'Cache-Control': 'no-store',
  })
  createReadStream(path).pipe(res)
}
