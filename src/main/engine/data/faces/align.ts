/** A point in an image, in pixels (x to the right, y down). */
export interface Point {
  x: number
  y: number
}

/**
 * Where the eye centres sit in CelebA's aligned framing, as fractions of the
 * crop's side: measured once by running this detector (tiny detector, 68
 * landmarks, eye centre = mean of the six points of each eye) on the first
 * 1,000 images of celeba-8k (faces found in 877) and averaging the eye centres
 * in the square that `--crop celeba` takes (see `CELEBA_CROP_FRACTION` in decode/square.ts): the eyes'
 * midpoint at (0.5007, 0.5226) of the side (sd 0.015 across faces), 0.2603 of the
 * side apart, level to 0.002. "Left" is the eye on the image's left. Because the
 * same detector measures both framings, its own bias cancels.
 */
export const ALIGNED_EYES: { left: Point; right: Point } = {
  left: { x: 0.3705, y: 0.5226 },
  right: { x: 0.6309, y: 0.5226 },
}

/**
 * A similarity transform from an aligned crop's coordinates (in units of the
 * crop's side, 0..1) to a photo's pixels: `x = a*u - b*v + tx`, `y = b*u + a*v + ty`.
 */
export interface Similarity {
  a: number
  b: number
  tx: number
  ty: number
}

/**
 * The transform that places a face with eye centres `left` and `right` (photo
 * pixels) into the aligned framing: the eyes level, at `ALIGNED_EYES`. The
 * two eyes map exactly; everything else follows by rotation and scale.
 */
export function alignmentTransform(left: Point, right: Point): Similarity {
  const target = ALIGNED_EYES
  // As complex numbers: photo = c * crop + t, with c = (R - L) / (R' - L').
  const du = target.right.x - target.left.x
  const dv = target.right.y - target.left.y
  const dx = right.x - left.x
  const dy = right.y - left.y
  const norm = du * du + dv * dv
  const a = (dx * du + dy * dv) / norm
  const b = (dy * du - dx * dv) / norm
  return {
    a,
    b,
    tx: left.x - (a * target.left.x - b * target.left.y),
    ty: left.y - (b * target.left.x + a * target.left.y),
  }
}

/** Where crop point (u, v) (fractions of the side) lands on the photo. */
export function applySimilarity(t: Similarity, u: number, v: number): Point {
  return { x: t.a * u - t.b * v + t.tx, y: t.b * u + t.a * v + t.ty }
}

/** Photo pixels per unit of crop side: the crop's side measured on the photo. */
export function similarityScale(t: Similarity): number {
  return Math.hypot(t.a, t.b)
}

/** The rotation from the crop to the photo, in radians (the face's tilt on the photo). */
export function similarityAngle(t: Similarity): number {
  return Math.atan2(t.b, t.a)
}
