/**
 * Binary framing for messages over a WebSocket: a JSON header in which every
 * typed array is replaced by a reference, followed by the arrays' bytes. Bulk
 * data (latents, positions, pixels) never becomes a JSON number list.
 */

const TYPED = {
  Uint8Array,
  Uint8ClampedArray,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
} as const
type TypedName = keyof typeof TYPED
type Typed = InstanceType<(typeof TYPED)[TypedName]>

interface BlobRef {
  $typed: TypedName
  index: number
}

/** Encodes a message: [u32 header length][header JSON][8-byte aligned array bytes...]. */
export function encodeFrame(message: unknown): Uint8Array {
  const arrays: Typed[] = []
  const header = JSON.stringify(
    message,
    function (this: Record<string, unknown>, key, value: unknown) {
      // The holder's own value: JSON has already called toJSON (a Buffer's) on `value`.
      const raw = key === '' ? value : this[key]
      if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) {
        // instanceof, not constructor.name: a Node Buffer is sent as the Uint8Array it is.
        const name = (Object.keys(TYPED) as TypedName[]).find((n) => raw instanceof TYPED[n])
        if (!name) throw new Error(`Cannot send a ${raw.constructor.name} to the engine`)
        arrays.push(raw as Typed)
        return { $typed: name, index: arrays.length - 1 } satisfies BlobRef
      }
      return value
    },
  )
  const headerBytes = new TextEncoder().encode(header)
  const lengths = arrays.map((a) => a.byteLength)
  let size = align(4 + headerBytes.length + 4 * arrays.length)
  for (const length of lengths) size += align(length)
  const frame = new Uint8Array(size)
  const view = new DataView(frame.buffer)
  view.setUint32(0, headerBytes.length, true)
  frame.set(headerBytes, 4)
  let offset = 4 + headerBytes.length
  for (const length of lengths) {
    view.setUint32(offset, length, true)
    offset += 4
  }
  offset = align(offset)
  arrays.forEach((array) => {
    frame.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset)
    offset += align(array.byteLength)
  })
  return frame
}

/** Decodes a frame made by `encodeFrame`; typed arrays come back as copies of their own. */
export function decodeFrame(frame: Uint8Array): unknown {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  const headerLength = view.getUint32(0, true)
  const header = new TextDecoder().decode(frame.subarray(4, 4 + headerLength))
  const refs: BlobRef[] = []
  const message = JSON.parse(header, (_key, value: unknown) => {
    if (isRef(value)) refs.push(value)
    return value
  }) as unknown
  if (refs.length === 0) return message
  const count = Math.max(...refs.map((r) => r.index)) + 1
  const arrays: Typed[] = []
  let lengthAt = 4 + headerLength
  let offset = align(lengthAt + 4 * count)
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(lengthAt, true)
    lengthAt += 4
    const name = refs.find((r) => r.index === i)?.$typed ?? 'Uint8Array'
    const Ctor = TYPED[name]
    // A copy into a fresh ArrayBuffer: aligned, and not a view into Node's shared Buffer pool.
    const bytes = new Uint8Array(frame.subarray(offset, offset + length))
    arrays.push(new Ctor(bytes.buffer, 0, length / Ctor.BYTES_PER_ELEMENT))
    offset += align(length)
  }
  return JSON.parse(header, (_key, value: unknown) => (isRef(value) ? arrays[value.index] : value))
}

function isRef(value: unknown): value is BlobRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BlobRef).$typed === 'string' &&
    typeof (value as BlobRef).index === 'number' &&
    (value as BlobRef).$typed in TYPED
  )
}

function align(n: number): number {
  return (n + 7) & ~7
}
