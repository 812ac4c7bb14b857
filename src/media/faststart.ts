import { createReadStream, createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'

// "Fast start" for MP4/MOV (what qt-faststart and ffmpeg's -movflags +faststart do): the
// moov box (the index of every sample) moved before mdat (the samples), so a player that
// reads the file from its start (a browser, a podcast app, WebTorrent streaming in order)
// can begin before the whole file is there. Only the chunk offsets in stco/co64 change:
// every one grows by the size of the moved moov.

interface Box { type: string, start: number, size: number, header: number }

/** Boxes inside moov that hold other boxes on the way to the chunk offset tables. */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'udta'])

export type FaststartPlan =
  | { action: 'none', reason: string }
  | { action: 'rewrite', boxes: Box[], moov: Box }
  | { action: 'cannot', reason: string }

/** The top-level boxes of an ISO media file, or a reason it cannot be read as one. */
async function topLevelBoxes (path: string): Promise<Box[] | string> {
  const file = await open(path, 'r')
  try {
    const { size: fileSize } = await file.stat()
    const boxes: Box[] = []
    const head = Buffer.alloc(16)
    let at = 0
    while (at < fileSize) {
      const { bytesRead } = await file.read(head, 0, 16, at)
      if (bytesRead < 8) return `a box header is cut at byte ${at}`
      let size = head.readUInt32BE(0)
      let header = 8
      if (size === 1) {
        if (bytesRead < 16) return `a box header is cut at byte ${at}`
        size = Number(head.readBigUInt64BE(8))
        header = 16
      } else if (size === 0) {
        size = fileSize - at
      }
      if (size < header || at + size > fileSize) return `the ${head.toString('latin1', 4, 8)} box at byte ${at} runs past the end of the file`
      boxes.push({ type: head.toString('latin1', 4, 8), start: at, size, header })
      at += size
    }
    return boxes
  } finally {
    await file.close()
  }
}

/** Whether the file at `path` (an MP4-family file) needs its moov moved, and if so how. */
export async function planFaststart (path: string): Promise<FaststartPlan> {
  const boxes = await topLevelBoxes(path)
  if (typeof boxes === 'string') return { action: 'cannot', reason: boxes }
  const moov = boxes.find(box => box.type === 'moov')
  const firstMdat = boxes.findIndex(box => box.type === 'mdat')
  if (!moov) return { action: 'cannot', reason: 'it has no moov box (a fragmented or damaged MP4)' }
  if (boxes.filter(box => box.type === 'moov').length > 1) return { action: 'cannot', reason: 'it has more than one moov box' }
  if (firstMdat < 0 || boxes.indexOf(moov) < firstMdat) return { action: 'none', reason: 'the moov box is already before the media data' }
  if (moov.size > 256 * 1024 * 1024) return { action: 'cannot', reason: `its moov box is ${moov.size} bytes, too large to move in memory` }
  return { action: 'rewrite', boxes, moov }
}

/**
 * Adds `delta` to every chunk offset (stco, co64) in the moov box `data` that lies before
 * `below` (the moov's old place: data after it does not move); a reason when one no longer fits 32 bits.
 */
function shiftChunkOffsets (data: Buffer, from: number, to: number, delta: number, below: number): string | undefined {
  let at = from
  while (at + 8 <= to) {
    let size = data.readUInt32BE(at)
    const type = data.toString('latin1', at + 4, at + 8)
    let header = 8
    if (size === 1) { size = Number(data.readBigUInt64BE(at + 8)); header = 16 }
    if (size === 0) size = to - at
    if (size < header || at + size > to) return `the ${type} box inside moov is malformed`
    if (CONTAINERS.has(type)) {
      const problem = shiftChunkOffsets(data, at + header, at + size, delta, below)
      if (problem) return problem
    } else if (type === 'stco' || type === 'co64') {
      const count = data.readUInt32BE(at + header + 4)
      const entries = at + header + 8
      const width = type === 'stco' ? 4 : 8
      if (entries + count * width > at + size) return `its ${type} table is cut`
      for (let i = 0; i < count; i++) {
        const offset = entries + i * width
        if (type === 'stco') {
          const old = data.readUInt32BE(offset)
          if (old >= below) continue
          const moved = old + delta
          if (moved > 0xffffffff) return 'a chunk offset would pass 4 GiB once the moov box moves (stco would need to become co64)'
          data.writeUInt32BE(moved, offset)
        } else {
          const old = data.readBigUInt64BE(offset)
          if (old < BigInt(below)) data.writeBigUInt64BE(old + BigInt(delta), offset)
        }
      }
    }
    at += size
  }
  return undefined
}

/**
 * Writes `source` to `target` with its moov box before the media data. Resolves with a
 * reason (and writes nothing useful) when the file cannot be rewritten safely.
 */
export async function writeFaststart (source: string, target: string, plan: Extract<FaststartPlan, { action: 'rewrite' }>): Promise<string | undefined> {
  const { boxes, moov } = plan
  const firstMdat = boxes.findIndex(box => box.type === 'mdat')
  const file = await open(source, 'r')
  const data = Buffer.alloc(moov.size)
  try {
    await file.read(data, 0, moov.size, moov.start)
  } finally {
    await file.close()
  }
  // Data between the insertion point and the moov's old place moves by the moov's size; data after it stays.
  const problem = shiftChunkOffsets(data, moov.header, moov.size, moov.size, moov.start)
  if (problem) return problem
  const before = boxes.slice(0, firstMdat)
  const after = boxes.slice(firstMdat).filter(box => box !== moov)
  const out = createWriteStream(target)
  const copy = async (box: Box) => pipeline(createReadStream(source, { start: box.start, end: box.start + box.size - 1 }), out, { end: false })
  try {
    for (const box of before) await copy(box)
    await new Promise<void>((resolve, reject) => out.write(data, error => error ? reject(error) : resolve()))
    for (const box of after) await copy(box)
  } finally {
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => error ? reject(error) : resolve()))
  }
  return undefined
}

/** Extensions of the ISO media files (as containerType names them) that fast start applies to. */
const ISO_MEDIA = new Set(['mp4', 'm4a', 'm4v', 'm4b', 'mov'])

export interface FaststartResult {
  /** True when `target` now holds the rewritten file (same size as the source). */
  rewritten: boolean
  /** What to tell the podcaster: that it was rewritten, or why it could not be. */
  note?: string
}

/**
 * For an MP4-family file whose moov box comes after its media data: writes the fast-start
 * version to `target`. Other files, and MP4s already in order, are left alone (nothing
 * written). A file that cannot be rewritten safely is left as it is, with a note saying why.
 */
export async function faststartCopy (source: string, target: string, extension: string): Promise<FaststartResult> {
  if (!ISO_MEDIA.has(extension)) return { rewritten: false }
  const plan = await planFaststart(source)
  if (plan.action === 'none') return { rewritten: false }
  if (plan.action === 'cannot') return { rewritten: false, note: `not rewritten for fast start: ${plan.reason}; players must download the whole file before they can start` }
  const problem = await writeFaststart(source, target, plan)
  if (problem) return { rewritten: false, note: `not rewritten for fast start: ${problem}; players must download the whole file before they can start` }
  return { rewritten: true, note: 'the moov box (the index) was moved before the media data (fast start), so players can start before the download ends' }
}
