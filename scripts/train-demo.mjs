#!/usr/bin/env node
// `npm run train:demo`: makes the built-in demo project that ships in resources/demo/
// (DESIGN.md "The embedded default"), with the project's own CLI:
//   1. synthetic faces (facesjs, seeded) -> dataset      atelier ingest --demo
//   2. a small VAE trained on them                        atelier train
//   3. every face's latents and the 3D map               atelier encode, atelier project
//   4. attribute vectors from the ground-truth labels    atelier attribute --from-labels
// then copies the project without its pixels (megabytes; the app regenerates
// them from the seed on first start) into resources/demo/.
// Reproducible: same seed, count and settings give the same faces and the same training run.
// Options (environment): DEMO_COUNT (2000), DEMO_SIZE (64), DEMO_EPOCHS (40), DEMO_SEED (1),
// DEMO_LATENT (32), DEMO_FILTERS (16), DEMO_BACKEND (wasm).
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const cli = join(root, 'bin', 'atelier.mjs')
const env = (name, fallback) => process.env[name] ?? String(fallback)
const settings = {
  count: Number(env('DEMO_COUNT', 2000)),
  size: Number(env('DEMO_SIZE', 64)),
  epochs: Number(env('DEMO_EPOCHS', 40)),
  seed: Number(env('DEMO_SEED', 1)),
  latent: Number(env('DEMO_LATENT', 32)),
  filters: Number(env('DEMO_FILTERS', 16)),
  backend: env('DEMO_BACKEND', 'wasm'),
}
/** Attribute vectors saved in the demo, named as the Attributes panel names labels. */
const labels = ['Smiling', 'Eyeglasses', 'Facial_Hair', 'Male']

function atelier(...args) {
  console.log(`$ atelier ${args.join(' ')}`)
  execFileSync(process.execPath, [cli, ...args], { stdio: ['ignore', 'inherit', 'inherit'] })
}

if (!existsSync(join(root, 'out', 'main', 'cli.js'))) {
  console.log('$ npm run build')
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
}
const work = mkdtempSync(join(tmpdir(), 'atelier-demo-'))
const project = join(work, 'demo')
try {
  atelier(
    'ingest',
    '--demo',
    settings.count,
    '--seed',
    settings.seed,
    '--size',
    settings.size,
    '--project',
    project,
  )
  atelier(
    'train',
    '--project',
    project,
    '--model',
    'default',
    '--size',
    settings.size,
    '--latent',
    settings.latent,
    '--filters',
    settings.filters,
    '--epochs',
    settings.epochs,
    '--seed',
    settings.seed,
    '--backend',
    settings.backend,
  )
  atelier('encode', '--project', project, '--backend', settings.backend)
  atelier('project', '--project', project, '--method', 'pca')
  atelier('project', '--project', project, '--method', 'umap')
  for (const label of labels) {
    const name = label.replace(/_/g, ' ').toLowerCase()
    atelier('attribute', '--project', project, '--name', name, '--from-labels', '--label', label)
  }
  const target = join(root, 'resources', 'demo')
  rmSync(target, { recursive: true, force: true })
  cpSync(project, target, {
    recursive: true,
    // Pixels are regenerated from the seed; checkpoints and exports are not needed to explore.
    filter: (src) => {
      const rel = relative(project, src).split('\\').join('/')
      return !['dataset/pixels.u8', 'checkpoints', 'exports'].includes(rel) && !rel.endsWith('.tmp')
    },
  })
  writeFileSync(
    join(target, 'demo.json'),
    `${JSON.stringify({ ...settings, madeBy: 'npm run train:demo', madeAt: new Date().toISOString() }, null, 2)}\n`,
  )
  const files = []
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else files.push([relative(target, path), statSync(path).size])
    }
  }
  walk(target)
  const total = files.reduce((sum, [, size]) => sum + size, 0)
  for (const [file, size] of files)
    console.log(`${(size / 1024).toFixed(0).padStart(8)} KB  ${file}`)
  console.log(`resources/demo: ${(total / 1024 / 1024).toFixed(2)} MB in ${files.length} files`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
