import * as tf from '@tensorflow/tfjs-core'
import type {
  KernelBackend,
  KernelConfig,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core'

/**
 * Runs a backend's own registered kernels from inside a project kernel, straight through their
 * kernel functions (no engine, no tape), and owns every intermediate it makes: `dispose()` frees
 * all of them except the ones handed out with `keep()`.
 */
export class KernelRunner {
  private readonly temporaries: TensorInfo[] = []

  constructor(
    readonly backend: KernelBackend,
    readonly backendName: string,
  ) {}

  /** Runs `kernelName` on this backend; the result is freed by `dispose()` unless kept. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const config = tf.getKernel(kernelName, this.backendName)
    if (config === undefined) {
      throw new Error(`Kernel '${kernelName}' is not registered for backend '${this.backendName}'`)
    }
    return this.runConfig(config, inputs, attrs)
  }

  /** Runs a given kernel config (e.g. the original one a project kernel replaced). */
  runConfig(config: KernelConfig, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs })
    if (Array.isArray(out)) {
      throw new Error(`Kernel '${config.kernelName}' returned several outputs; expected one`)
    }
    this.temporaries.push(out)
    return out
  }

  /** Makes `info`, made by the backend outside this runner, one of its temporaries. */
  adopt(info: TensorInfo): TensorInfo {
    this.temporaries.push(info)
    return info
  }

  /** A new float32 tensor on this backend holding `values`; freed by `dispose()` unless kept. */
  fromValues(values: Float32Array, shape: number[]): TensorInfo {
    const info: TensorInfo = {
      dataId: this.backend.write(values, shape, 'float32'),
      shape,
      dtype: 'float32',
    }
    this.temporaries.push(info)
    return info
  }

  zeros(shape: number[]): TensorInfo {
    return this.run('Fill', {}, { shape, value: 0, dtype: 'float32' })
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape })
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm })
  }

  pad(x: TensorInfo, paddings: Array<[number, number]>): TensorInfo {
    if (paddings.every(([before, after]) => before === 0 && after === 0)) return x
    return this.run('PadV2', { x }, { paddings, constantValue: 0 })
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i])) return x
    return this.run('Slice', { x }, { begin, size })
  }

  /** Takes `info` out of the temporaries: the caller (usually the engine) now owns it. */
  keep(info: TensorInfo): TensorInfo {
    const index = this.temporaries.lastIndexOf(info)
    if (index >= 0) {
      this.temporaries.splice(index, 1)
      return info
    }
    // Not made here (an input passed through untouched): hand out a new reference to its data.
    const copy = this.run('Identity', { x: info })
    this.temporaries.pop()
    return copy
  }

  dispose(): void {
    for (const info of this.temporaries) this.backend.disposeData(info.dataId)
    this.temporaries.length = 0
  }
}
