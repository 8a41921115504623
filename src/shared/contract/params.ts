import { z } from 'zod'

/** A project folder: absolute, and of a sane length. */
/** The file that makes a folder a project: its manifest. */
export const PROJECT_MANIFEST = 'atelier.json'

export const projectDir = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path')

/** Any file or folder path given by the user: absolute. */
export const absolutePath = projectDir
