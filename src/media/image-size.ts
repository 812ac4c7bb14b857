/** Format and pixel size of a PNG or JPEG, read from its header. */
export interface ImageSize { format: 'png' | 'jpeg', width: number, height: number }

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/**
 * Reads the dimensions of a PNG (IHDR, the first chunk) or a JPEG (the first SOFn
 * frame header) by content, whatever the file is called. Undefined for anything else.
 */
export function imageSize (data: Buffer): ImageSize | undefined {
  if (data.length >= 24 && data.subarray(0, 8).equals(PNG_SIGNATURE) && data.toString('latin1', 12, 16) === 'IHDR') {
    return { format: 'png', width: data.readUInt32BE(16), height: data.readUInt32BE(20) }
  }
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8) return jpegSize(data)
  return undefined
}

// Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf])

function jpegSize (data: Buffer): ImageSize | undefined {
  let offset = 2
  while (offset + 4 <= data.length) {
    if (data[offset] !== 0xff) return undefined
    const marker = data[offset + 1]!
    if (marker === 0xff) { offset++; continue } // fill byte
    // Markers without a length: TEM, RSTn, SOI, EOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) { offset += 2; continue }
    const length = data.readUInt16BE(offset + 2)
    if (SOF_MARKERS.has(marker)) {
      if (offset + 9 > data.length) return undefined
      return { format: 'jpeg', height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) }
    }
    if (marker === 0xda) return undefined // start of scan before any frame header
    offset += 2 + length
  }
  return undefined
}
