/**
 * Plain words for the app's few technical terms, declared once and shown
 * beside them (as a tooltip and to screen readers).
 */
export const EXPLAIN = {
  spread:
    'A "spread" is how much faces typically differ along a vector (one standard deviation, σ). α 2 pushes a face two spreads: a clear change; α 6 is extreme.',
  separation:
    'How far apart the faces with and without the attribute are, in spreads (σ). Above about 1 the vector is strong; below about 0.5 it is weak and mostly changes other things.',
  kl: 'KL: how far the model’s codes are from the plain bell curve it samples new faces from. Lower means random faces look more like real ones; reconstruction error says how blurry it redraws.',
  reconstruction:
    'Reconstruction: how far the redrawn images are from the originals (lower is sharper). Loss is reconstruction + β × KL.',
  temperature:
    'Temperature scales the randomness: below 1 gives safer, more average faces; above 1 wilder ones.',
  near: 'How far from face A the new faces may wander, in the model’s own units (0.5: close cousins; 2: distant relatives).',
} as const

export type Term = keyof typeof EXPLAIN
