#!/usr/bin/env node
/**
 * Frames per second of the 3D map against a bare three.js Points scene with
 * the same points, in Debian's Chromium (headless), same run:
 *   node scripts/bench-map.mjs [--counts 8000,100000,200000] [--frames 5] [--rounds 8] [--all-points] [--gpu]
 * Builds the bench page (src/renderer/src/explorer/bench/bench-page.ts) with
 * Vite into a temp folder, serves it on 127.0.0.1, and prints one line per count
 * (and JSON with --json). Each scene draws --frames frames a round, alternately;
 * the rates are from the lower quartile of the frame intervals (other processes only
 * ever add time to a frame). --all-points turns the map's level
 * of detail off (it draws a sample where points overlap). Without --gpu Chromium draws with
 * SwiftShader (CPU).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { cpus, loadavg, tmpdir } from 'node:os'
import { extname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { build } from 'vite'

const { values } = parseArgs({
  options: {
    counts: { type: 'string', default: '8000,100000,200000' },
    frames: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '8' },
    gpu: { type: 'boolean', default: false },
    'all-points': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
})
const counts = values.counts.split(',').map(Number)
const repo = resolve(import.meta.dirname, '..')

const work = mkdtempSync(join(tmpdir(), 'atelier-bench-map-'))
writeFileSync(
  join(work, 'index.html'),
  `<!doctype html><html><body style="margin:0"><script type="module" src="${join(repo, 'src/renderer/src/explorer/bench/bench-page.ts')}"></script></body></html>`,
)
await build({
  root: work,
  logLevel: 'warn',
  configFile: false,
  resolve: { alias: { '@shared': join(repo, 'src/shared') } },
  build: { outDir: join(work, 'dist'), emptyOutDir: true },
})

const types = { '.html': 'text/html', '.js': 'text/javascript' }
const server = createServer((req, res) => {
  const path = join(work, 'dist', req.url === '/' ? 'index.html' : req.url.split('?')[0])
  let body
  try {
    body = readFileSync(path)
  } catch {
    res.writeHead(404).end()
    return
  }
  res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' })
  res.end(body)
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const url = `http://127.0.0.1:${server.address().port}/`

const profile = mkdtempSync(join(tmpdir(), 'atelier-bench-chromium-'))
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.ATELIER_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1000, height: 700 },
  args: [
    '--no-sandbox',
    // Uncapped frames: vsync would cap both scenes at 60 and hide the difference.
    '--disable-gpu-vsync',
    '--disable-frame-rate-limit',
    ...(values.gpu
      ? ['--use-angle=vulkan', '--enable-gpu', '--ignore-gpu-blocklist']
      : ['--use-angle=swiftshader', '--enable-unsafe-swiftshader']),
  ],
})
const errors = []
const results = []
// A fresh page per count: one count's GPU memory never weighs on the next.
for (const count of counts) {
  const page = await context.newPage()
  page.on('pageerror', (e) => errors.push(e.message))
  if (process.env.ATELIER_BENCH_VERBOSE) page.on('console', (m) => console.error(m.text()))
  await page.goto(url)
  await page.waitForFunction(() => typeof window.runBench === 'function')
  let result
  try {
    result = await page.evaluate(
      ([n, f, r, lod]) => window.runBench(n, f, r, lod),
      [count, Number(values.frames), Number(values.rounds), !values['all-points']],
    )
  } catch (error) {
    errors.push(`${count} points: ${error.message.split('\n')[0]}`)
    continue
  } finally {
    await page.close().catch(() => {})
  }
  results.push(result)
  if (!values.json) {
    console.log(
      `${String(count).padStart(7)} points: map ${result.mapFps.toFixed(1)} fps, bare Points ${result.bareFps.toFixed(1)} fps, ratio ${result.ratio.toFixed(3)} (${result.frames} frames each, map draws ${Math.round(result.share * 100)}% of points); hover pick ${result.pickMs.toFixed(1)} ms, hover shown ${result.hoverMs.toFixed(1)} ms, box select ${result.boxMs.toFixed(1)} ms (${result.boxCount} points)`,
    )
  }
}
const load = loadavg().map((l) => l.toFixed(2))
if (values.json) console.log(JSON.stringify({ results, load, cores: cpus().length, errors }))
else {
  console.log(`renderer: ${results[0]?.renderer}; ${cpus().length} cores, load ${load.join(' ')}`)
  if (errors.length) console.log(`page errors: ${errors.join('; ')}`)
}
await context.close()
server.close()
rmSync(work, { recursive: true, force: true })
rmSync(profile, { recursive: true, force: true })
