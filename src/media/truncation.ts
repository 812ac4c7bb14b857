import type { FileHandle } from 'node:fs/promises'

/**
 * Finds media cut short (an interrupted download or copy) whose headers are intact, so a
 * tag parser happily reports the full duration. Each check compares a size the file's own
 * header promises with the bytes actually present:
 *  - MP3: the LAME/Xing "Info"/"Xing" (or Fraunhofer VBRI) byte count of the audio stream;
 *  - MP4/MOV: each top-level box's size (a cut file ends inside `mdat`);
 *  - Matroska/WebM: the Segment element's size;
 *  - WAV: the RIFF chunk size.
 * Returns a sentence describing the shortfall, or undefined when nothing is missing or the
 * format gives no size to check.
 */
export async function findTruncation (file: FileHandle, size: number, container?: string): Promise<string | undefined> {
  const kind = container ? kindOfContainer(container) : await sniffKind(file)
  switch (kind) {
    case 'mp3': return mp3Truncation(file, size)
    case 'iso': return isoTruncation(file, size)
    case 'matroska': return matroskaTruncation(file, size)
    case 'riff': return riffTruncation(file, size)
    default: return undefined
  }
}

type SizedKind = 'mp3' | 'iso' | 'matroska' | 'riff' | undefined

function kindOfContainer (container: string): SizedKind {
  if (container === 'MPEG') return 'mp3'
  if (container.startsWith('EBML')) return 'matroska'
  if (container.startsWith('WAVE')) return 'riff'
  return undefined
}

// Used when the container is unknown (a parser gave up, as it does on a cut MP4) and for ISO media,
// which music-metadata names by its brands.
async function sniffKind (file: FileHandle): Promise<SizedKind> {
  const head = await readAt(file, 0, 12)
  if (head.length < 12) return undefined
  if (head.toString('latin1', 4, 8) === 'ftyp') return 'iso'
  if (head.readUInt32BE(0) === 0x1a45dfa3) return 'matroska'
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') return 'riff'
  if (head.toString('latin1', 0, 3) === 'ID3' || findFrameSync(head.subarray(0, 4)) === 0) return 'mp3'
  return undefined
}

async function readAt (file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length)
  const { bytesRead } = await file.read(buffer, 0, length, position)
  return buffer.subarray(0, bytesRead)
}

const percent = (part: number, whole: number) => `${Math.round(100 * part / whole)} %`

async function mp3Truncation (file: FileHandle, size: number): Promise<string | undefined> {
  let start = 0
  const id3 = await readAt(file, 0, 10)
  if (id3.length === 10 && id3.toString('latin1', 0, 3) === 'ID3') {
    // Syncsafe size (7 bits a byte), plus 10 for the header and 10 more when a footer is present.
    const tagSize = ((id3[6]! & 0x7f) << 21) | ((id3[7]! & 0x7f) << 14) | ((id3[8]! & 0x7f) << 7) | (id3[9]! & 0x7f)
    start = 10 + tagSize + ((id3[5]! & 0x10) ? 10 : 0)
  }
  const window = await readAt(file, start, 8192)
  const frame = findFrameSync(window)
  if (frame < 0) return undefined
  const header = window.readUInt32BE(frame)
  const mpeg1 = ((header >>> 19) & 0x3) === 0x3
  const mono = ((header >>> 6) & 0x3) === 0x3
  const sideInfo = mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17)
  let claimed: number | undefined
  const xing = frame + 4 + sideInfo
  const tag = window.toString('latin1', xing, xing + 4)
  if ((tag === 'Xing' || tag === 'Info') && window.length >= xing + 16) {
    const flags = window.readUInt32BE(xing + 4)
    if (flags & 0x2) claimed = window.readUInt32BE(xing + 8 + ((flags & 0x1) ? 4 : 0))
  } else if (window.toString('latin1', frame + 36, frame + 40) === 'VBRI' && window.length >= frame + 50) {
    claimed = window.readUInt32BE(frame + 36 + 10)
  }
  if (!claimed) return undefined
  const present = size - (start + frame)
  // Encoders disagree by a frame or so on whether the count includes the header frame or an ID3v1 tag.
  const slack = Math.max(2048, claimed * 0.005)
  if (present + slack >= claimed) return undefined
  return `the MP3 header announces ${claimed} bytes of audio but only ${present} are present (${percent(present, claimed)})`
}

// First MPEG audio frame header: 11 sync bits, a valid version, layer, bitrate and sample rate.
function findFrameSync (buffer: Buffer): number {
  for (let i = 0; i + 4 <= buffer.length; i++) {
    if (buffer[i] !== 0xff || (buffer[i + 1]! & 0xe0) !== 0xe0) continue
    const version = (buffer[i + 1]! >> 3) & 0x3
    const layer = (buffer[i + 1]! >> 1) & 0x3
    const bitrate = buffer[i + 2]! >> 4
    const rate = (buffer[i + 2]! >> 2) & 0x3
    if (version !== 1 && layer !== 0 && bitrate !== 0xf && bitrate !== 0 && rate !== 3) return i
  }
  return -1
}

async function isoTruncation (file: FileHandle, size: number): Promise<string | undefined> {
  let offset = 0
  while (offset + 8 <= size) {
    const header = await readAt(file, offset, 16)
    let boxSize = header.readUInt32BE(0)
    const type = header.toString('latin1', 4, 8)
    if (boxSize === 1 && header.length >= 16) boxSize = Number(header.readBigUInt64BE(8))
    else if (boxSize === 0) return undefined // runs to the end of the file by definition
    if (boxSize < 8) return undefined // not a box structure we can judge
    if (offset + boxSize > size) {
      const present = size - offset
      return `the '${type}' box announces ${boxSize} bytes but only ${present} are present (${percent(present, boxSize)})`
    }
    offset += boxSize
  }
  return undefined
}

async function matroskaTruncation (file: FileHandle, size: number): Promise<string | undefined> {
  const head = await readAt(file, 0, 64)
  const ebml = readElement(head, 0)
  if (!ebml || ebml.id !== 0x1a45dfa3 || ebml.size === undefined) return undefined
  const segmentAt = ebml.dataOffset + ebml.size
  const segment = readElement(await readAt(file, segmentAt, 16), 0)
  if (!segment || segment.id !== 0x18538067 || segment.size === undefined) return undefined // unknown size: live streams
  const claimed = segment.size
  const present = size - segmentAt - segment.dataOffset
  if (present >= claimed) return undefined
  return `the WebM/Matroska segment announces ${claimed} bytes but only ${present} are present (${percent(present, claimed)})`
}

// An EBML element header: a variable-length id (marker bits kept) and a variable-length size (marker removed).
function readElement (buffer: Buffer, offset: number): { id: number, size?: number, dataOffset: number } | undefined {
  const idLength = vintLength(buffer[offset])
  if (!idLength || idLength > 4 || offset + idLength > buffer.length) return undefined
  const id = buffer.readUIntBE(offset, idLength)
  const sizeAt = offset + idLength
  const sizeLength = vintLength(buffer[sizeAt])
  if (!sizeLength || sizeAt + sizeLength > buffer.length) return undefined
  let value = buffer[sizeAt]! & (0xff >> sizeLength)
  let allOnes = value === (0xff >> sizeLength)
  for (let i = 1; i < sizeLength; i++) {
    value = value * 256 + buffer[sizeAt + i]!
    allOnes &&= buffer[sizeAt + i] === 0xff
  }
  return { id, size: allOnes ? undefined : value, dataOffset: sizeAt + sizeLength - offset }
}

function vintLength (first: number | undefined): number {
  if (!first) return 0
  let length = 1
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++
  return length > 8 ? 0 : length
}

async function riffTruncation (file: FileHandle, size: number): Promise<string | undefined> {
  const head = await readAt(file, 0, 12)
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF') return undefined
  const claimed = head.readUInt32LE(4) + 8
  if (claimed >= 0xffffffff || size >= claimed) return undefined // streamed WAVs write 0xFFFFFFFF
  return `the WAV header announces ${claimed} bytes but only ${size} are present (${percent(size, claimed)})`
}
