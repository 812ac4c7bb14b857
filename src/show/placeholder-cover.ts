import { createHash } from 'node:crypto'
import { crc32, deflateSync } from 'node:zlib'
import { COVER_MIN_PX, type CoverImage } from './cover.js'

/**
 * A stand-in cover for a show made without one (`init` in a script, without --image):
 * Apple and `feed lint` refuse a feed without cover art, so a show with no cover could not
 * be listed anywhere. It is a plain 1400 px square PNG in two colours taken from the
 * title (two shows do not look alike), to be replaced with `show edit --image`.
 * A solid image needs no drawing library: PNG is zlib-deflated rows of RGB bytes.
 */
export function placeholderCover (title: string): CoverImage {
  const size = COVER_MIN_PX
  const digest = createHash('sha256').update(title).digest()
  const hue = digest.readUInt16BE(0) % 360
  const background = hslToRgb(hue, 0.45, 0.32)
  const accent = hslToRgb((hue + 40) % 360, 0.55, 0.62)
  // A centred disc, like a record or a microphone's grille: enough to read as artwork.
  const radius = size * 0.3
  const centre = (size - 1) / 2
  const rowBytes = 1 + size * 3
  const raw = Buffer.alloc(rowBytes * size)
  for (let y = 0; y < size; y++) {
    const row = y * rowBytes // raw[row] = 0: no filter
    const dy = y - centre
    const half = dy * dy <= radius * radius ? Math.sqrt(radius * radius - dy * dy) : -1
    for (let x = 0; x < size; x++) {
      const colour = Math.abs(x - centre) <= half ? accent : background
      raw.set(colour, row + 1 + x * 3)
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bits per channel
  header[9] = 2 // colour type RGB
  const data = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0))
  ])
  return { format: 'png', width: size, height: size, data, extension: 'png' }
}

function chunk (type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'latin1')
  const tail = Buffer.alloc(4)
  tail.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0)
  return Buffer.concat([head, body, tail])
}

function hslToRgb (hue: number, saturation: number, lightness: number): [number, number, number] {
  const c = (1 - Math.abs(2 * lightness - 1)) * saturation
  const x = c * (1 - Math.abs((hue / 60) % 2 - 1))
  const m = lightness - c / 2
  const [r, g, b] = hue < 60 ? [c, x, 0] : hue < 120 ? [x, c, 0] : hue < 180 ? [0, c, x] : hue < 240 ? [0, x, c] : hue < 300 ? [x, 0, c] : [c, 0, x]
  return [r, g, b].map(v => Math.round((v + m) * 255)) as [number, number, number]
}
