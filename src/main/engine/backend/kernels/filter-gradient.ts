import { backend_util } from '@tensorflow/tfjs-core'
import type { Conv2DBackpropFilterAttrs, TensorInfo } from '@tensorflow/tfjs-core'
import type { KernelRunner } from './kernel-runner'

/**
 * Filter gradient of a 2D convolution (kernel `Conv2DBackpropFilter`, dilation 1) expressed as one
 * stride-1 `Conv2D` of the backend:
 *
 *   dW[a, b, ci, co] = sum_{n,i,j} xPadded[n, a + i*sh, b + j*sw, ci] * dy[n, i, j, co]
 *
 * is a convolution whose "batch" is `ci`, whose "input channels" are `n`, whose filter is `dy`
 * laid out as [Ho, Wo, N, Co] and whose dilation is the forward stride. Its output [Ci, fh, fw, Co]
 * is transposed back to the filter layout [fh, fw, Ci, Co].
 */
export function filterGradientViaConv(
  runner: KernelRunner,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Conv2DBackpropFilterAttrs,
): TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  )
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info
  const { filterHeight, filterWidth, strideHeight, strideWidth, batchSize } = info
  const { top, left } = info.padInfo

  if (info.dataFormat === 'channelsFirst') {
    x = runner.transpose(x, [0, 2, 3, 1])
    dy = runner.transpose(dy, [0, 2, 3, 1])
  }

  // Rows [-top, needH - top) of the zero-padded input are read; more input is dropped, less padded.
  const needH = (outHeight - 1) * strideHeight + filterHeight
  const needW = (outWidth - 1) * strideWidth + filterWidth
  const usedH = Math.min(inHeight, needH - top)
  const usedW = Math.min(inWidth, needW - left)
  if (usedH <= 0 || usedW <= 0 || batchSize === 0 || outHeight <= 0 || outWidth <= 0) {
    return runner.keep(runner.zeros(filterShape)) // the filter never meets the input
  }
  let xT = runner.transpose(x, [3, 1, 2, 0]) // [Ci, H, W, N]
  xT = runner.slice(xT, [0, 0, 0, 0], [inChannels, usedH, usedW, batchSize])
  const dyT = runner.transpose(dy, [1, 2, 0, 3]) // [Ho, Wo, N, Co]

  const grad = runner.run(
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      dilations: [strideHeight, strideWidth],
      pad: [
        [0, 0],
        [top, needH - top - usedH],
        [left, needW - left - usedW],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  ) // [Ci, fh, fw, Co]
  if (grad.shape[1] !== filterHeight || grad.shape[2] !== filterWidth) {
    throw new Error(`filter gradient: got shape ${grad.shape}, expected ${filterShape}`)
  }
  return runner.keep(
    inChannels === 1
      ? runner.reshape(grad, [filterHeight, filterWidth, 1, outChannels])
      : runner.transpose(grad, [1, 2, 0, 3]),
  )
}
