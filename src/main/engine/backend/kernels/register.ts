import * as tf from '@tensorflow/tfjs-core'
import type {
  KernelBackend,
  KernelConfig,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core'
import { KernelRunner } from './kernel-runner'

/**
 * A project kernel: computes its output through `runner` (which owns every intermediate);
 * `original` is the kernel it replaced, if the backend had one.
 */
export type ProjectKernelImpl = (
  runner: KernelRunner,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
  original: KernelConfig | undefined,
) => TensorInfo

// Marks configs registered here. A global symbol, so a second copy of this module (tests,
// bundles) still recognises them and never wraps a project kernel in another one.
const PROJECT_KERNEL = Symbol.for('latent-atelier.project-kernel')
type TaggedConfig = KernelConfig & { [PROJECT_KERNEL]?: true }

/** True when the kernel registered under this name and backend is one of the project's. */
export function isProjectKernel(kernelName: string, backendName: string): boolean {
  const config = tf.getKernel(kernelName, backendName) as TaggedConfig | undefined
  return config?.[PROJECT_KERNEL] === true
}

/**
 * Registers `impl` as `kernelName` for `backendName`, replacing the backend's own kernel if it has
 * one (kept as `original` and as the setup function, so its wasm bindings are still made when the
 * backend initialises later). Idempotent.
 */
export function replaceKernel(
  kernelName: string,
  backendName: string,
  impl: ProjectKernelImpl,
): void {
  if (isProjectKernel(kernelName, backendName)) return
  const original = tf.getKernel(kernelName, backendName)
  if (original !== undefined) tf.unregisterKernel(kernelName, backendName)
  const config: TaggedConfig = {
    kernelName,
    backendName,
    setupFunc: original?.setupFunc,
    disposeFunc: original?.disposeFunc,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const runner = new KernelRunner(backend as KernelBackend, backendName)
      try {
        return impl(runner, inputs, attrs ?? {}, original)
      } finally {
        runner.dispose()
      }
    },
    [PROJECT_KERNEL]: true,
  }
  tf.registerKernel(config)
}
