/** The held-out split: the last images of the dataset, never trained on, so `eval` is honest. */
export interface Split {
  /** Images 0..trainCount-1 are trained on. */
  trainCount: number
  /** Images trainCount..count-1 are held out. */
  holdout: number
}

/** By default the last eighth is held out (1,000 of CelebA-8k); `holdout` overrides it. */
export function heldOutSplit(count: number, holdout?: number): Split {
  const held = holdout ?? Math.floor(count / 8)
  if (!Number.isInteger(held) || held < 0 || held >= count) {
    throw new RangeError(
      `Cannot hold out ${held} of ${count} images: at least one image must remain to train on.`,
    )
  }
  return { trainCount: count - held, holdout: held }
}
