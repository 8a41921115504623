import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'
import type { CropMode } from '../../engine/data/store'

const run = promisify(execFile)

/** What the PIL reference did with a folder, in this run. */
export interface PilFigures {
  pil: string
  images: number
  seconds: number
  imagesPerSecond: number
  cpuMsPerImage: number
}

/**
 * The ingest's work in Pillow, one process: every image file under the folder
 * (sorted), EXIF orientation applied, transparency over white, the same square
 * crop, Lanczos down to `size`. JPEGs are drafted (libjpeg's DCT scaling, PIL's
 * shrink-on-load) to no less than the crop needs, as `Image.thumbnail` does.
 */
const SCRIPT = String.raw`
import json, os, sys, time
import PIL
from PIL import Image, ImageOps
folder, size, crop = sys.argv[1], int(sys.argv[2]), sys.argv[3]
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs)
def square(w, h):
    if crop == 'celeba':
        side = max(1, min(h, round(w * 148 / 178)))
        l, t = (w - side) // 2, (h - side) // 2
        return (l, t, l + side, t + side), side
    side = min(w, h)
    return ((w - side) / 2, (h - side) / 2, (w + side) / 2, (h + side) / 2), side
start, cpu, done = time.perf_counter(), time.process_time(), 0
for path in files:
    try:
        with Image.open(path) as im:
            w, h = im.size
            side = max(w, h) if crop == 'fit' else square(w, h)[1]
            if im.format == 'JPEG':
                im.draft('RGB', (-(-size * w // side), -(-size * h // side)))
            im = ImageOps.exif_transpose(im)
            if im.mode in ('RGBA', 'LA', 'P'):
                im = im.convert('RGBA')
                white = Image.new('RGBA', im.size, (255, 255, 255, 255))
                im = Image.alpha_composite(white, im)
            im = im.convert('RGB')
            w, h = im.size
            if crop == 'fit':
                s = size / max(w, h)
                inner = im.resize((max(1, round(w * s)), max(1, round(h * s))), Image.LANCZOS)
                out = Image.new('RGB', (size, size))
                out.paste(inner, ((size - inner.width) // 2, (size - inner.height) // 2))
            else:
                out = im.resize((size, size), Image.LANCZOS, box=square(w, h)[0])
            out.tobytes()
            done += 1
    except Exception:
        pass
seconds = time.perf_counter() - start
print(json.dumps({'pil': PIL.__version__, 'images': done, 'seconds': seconds,
    'cpuSeconds': time.process_time() - cpu}))
`

/** Debian's python3 first: it is the one python3-pil installs into. */
function python(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'
}

/** Runs the PIL reference on `folder`; throws with Python's first line when it cannot (no PIL, no python3). */
export async function runPilReference(
  folder: string,
  size: number,
  crop: Exclude<CropMode, 'face'>,
): Promise<PilFigures> {
  const { stdout } = await run(python(), ['-c', SCRIPT, folder, String(size), crop], {
    timeout: 900_000,
    maxBuffer: 1 << 20,
  })
  const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
    pil: string
    images: number
    seconds: number
    cpuSeconds: number
  }
  return {
    pil: out.pil,
    images: out.images,
    seconds: out.seconds,
    imagesPerSecond: out.images / Math.max(1e-6, out.seconds),
    cpuMsPerImage: (out.cpuSeconds * 1000) / Math.max(1, out.images),
  }
}
