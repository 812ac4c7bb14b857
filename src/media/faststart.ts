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

/** Where the moov box was and how much the file around it moves: the offsets rule of a rewrite. */
interface Shift {
  /** The moov's old place: data before it moves by the new moov's size, data after it by the growth. */
  below: number
  before: bigint
  after: bigint
}

/** The box at `at` inside a moov that ends at `to`: its type, size (0 = to the end) and header length. */
function innerBox (data: Buffer, at: number, to: number): { type: string, size: number, header: number } {
  const type = data.toString('latin1', at + 4, at + 8)
  const size = data.readUInt32BE(at)
  if (size === 1) return { type, size: at + 16 <= to ? Number(data.readBigUInt64BE(at + 8)) : 0, header: 16 } // 0: reported as malformed
  return { type, size: size === 0 ? to - at : size, header: 8 }
}

/** A reason when a box below a moov (containers descended into) is malformed or a chunk offset table cut. */
function checkBoxes (data: Buffer, from: number, to: number): string | undefined {
  let at = from
  while (at + 8 <= to) {
    const { type, size, header } = innerBox(data, at, to)
    if (size < header || at + size > to) return `the ${type} box inside moov is malformed`
    if (type === 'stco' || type === 'co64') {
      const width = type === 'stco' ? 4 : 8
      if (size < header + 8 || at + header + 8 + data.readUInt32BE(at + header + 4) * width > at + size) return `its ${type} table is cut`
    }
    if (CONTAINERS.has(type)) {
      const problem = checkBoxes(data, at + header, at + size)
      if (problem) return problem
    }
    at += size
  }
  return undefined
}

/**
 * The moov box `data` rebuilt for its new place before the media data: every chunk offset
 * moved by `shift`, and, when `widen`, every stco (32-bit offsets) written as a co64
 * (64-bit), which the containers on the way grow with. Returns the new box, or undefined
 * when a 32-bit offset would overflow and `widen` is off.
 */
function rebuild (data: Buffer, from: number, to: number, shift: Shift, widen: boolean): Buffer[] | undefined {
  const parts: Buffer[] = []
  let at = from
  while (at + 8 <= to) {
    const { type, size, header } = innerBox(data, at, to)
    if (CONTAINERS.has(type)) {
      const children = rebuild(data, at + header, at + size, shift, widen)
      if (!children) return undefined
      parts.push(boxHeader(type, 8 + children.reduce((sum, part) => sum + part.length, 0)), ...children)
    } else if (type === 'stco' || type === 'co64') {
      const count = data.readUInt32BE(at + header + 4)
      const wide = type === 'co64' || widen
      const width = type === 'stco' ? 4 : 8
      const table = Buffer.alloc(8 + 8 + count * (wide ? 8 : 4))
      table.writeUInt32BE(table.length, 0)
      table.write(wide ? 'co64' : 'stco', 4, 'latin1')
      data.copy(table, 8, at + header, at + header + 8) // version, flags, entry count
      for (let i = 0; i < count; i++) {
        const entry = at + header + 8 + i * width
        const old = type === 'stco' ? BigInt(data.readUInt32BE(entry)) : data.readBigUInt64BE(entry)
        const moved = old + (old < BigInt(shift.below) ? shift.before : shift.after)
        if (wide) table.writeBigUInt64BE(moved, 16 + i * 8)
        else if (moved > 0xffffffffn) return undefined
        else table.writeUInt32BE(Number(moved), 16 + i * 4)
      }
      parts.push(table)
    } else {
      parts.push(data.subarray(at, at + size))
    }
    at += size
  }
  return parts
}

function boxHeader (type: string, size: number): Buffer {
  const header = Buffer.alloc(8)
  header.writeUInt32BE(size, 0)
  header.write(type, 4, 'latin1')
  return header
}

/**
 * The moov box (`data`, read from byte `oldStart` of the file) as it must be written before
 * the media data: chunk offsets below its old place grow by its size, those after stay.
 * When a 32-bit (stco) offset would pass 4 GiB that way, every stco becomes a co64, as
 * qt-faststart does: the moov grows by 4 bytes an entry, and the offsets by the new size.
 */
export function moveMoov (data: Buffer, oldStart: number): { moov: Buffer, widened: boolean } | { problem: string } {
  const header = data.readUInt32BE(0) === 1 ? 16 : 8
  const problem = checkBoxes(data, header, data.length)
  if (problem) return { problem }
  const attempt = (widen: boolean): Buffer | undefined => {
    // The new size does not depend on the offsets' values: measured with none moved, then
    // built again with every offset moved by it.
    const measured = rebuild(data, header, data.length, { below: oldStart, before: 0n, after: 0n }, widen)!
    const size = 8 + measured.reduce((sum, part) => sum + part.length, 0)
    const parts = rebuild(data, header, data.length, { below: oldStart, before: BigInt(size), after: BigInt(size - data.length) }, widen)
    return parts && Buffer.concat([boxHeader('moov', size), ...parts])
  }
  const same = attempt(false)
  if (same) return { moov: same, widened: false }
  return { moov: attempt(true)!, widened: true }
}

/**
 * Writes `source` to `target` with its moov box before the media data, and says how long
 * the result is (longer than the source when stco tables became co64). Resolves with a
 * problem (and writes nothing useful) when the file cannot be rewritten safely.
 */
export async function writeFaststart (source: string, target: string, plan: Extract<FaststartPlan, { action: 'rewrite' }>): Promise<{ problem: string } | { widened: boolean, length: number }> {
  const { boxes, moov } = plan
  const firstMdat = boxes.findIndex(box => box.type === 'mdat')
  const file = await open(source, 'r')
  const data = Buffer.alloc(moov.size)
  try {
    await file.read(data, 0, moov.size, moov.start)
  } finally {
    await file.close()
  }
  // Data between the insertion point and the moov's old place moves by the moov's size; data after it stays
  // (or moves by what the moov grew, when its stco tables had to become co64).
  const moved = moveMoov(data, moov.start)
  if ('problem' in moved) return moved
  const before = boxes.slice(0, firstMdat)
  const after = boxes.slice(firstMdat).filter(box => box !== moov)
  const out = createWriteStream(target)
  const copy = async (box: Box) => pipeline(createReadStream(source, { start: box.start, end: box.start + box.size - 1 }), out, { end: false })
  try {
    for (const box of before) await copy(box)
    await new Promise<void>((resolve, reject) => out.write(moved.moov, error => error ? reject(error) : resolve()))
    for (const box of after) await copy(box)
  } finally {
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => error ? reject(error) : resolve()))
  }
  return { widened: moved.widened, length: boxes.reduce((sum, box) => sum + box.size, 0) + moved.moov.length - moov.size }
}

/** Extensions of the ISO media files (as containerType names them) that fast start applies to. */
const ISO_MEDIA = new Set(['mp4', 'm4a', 'm4v', 'm4b', 'mov'])

export interface FaststartResult {
  /** True when `target` now holds the rewritten file. */
  rewritten: boolean
  /** Its size: the source's, or more when 32-bit chunk offsets had to become 64-bit. */
  length?: number
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
  const written = await writeFaststart(source, target, plan)
  if ('problem' in written) return { rewritten: false, note: `not rewritten for fast start: ${written.problem}; players must download the whole file before they can start` }
  const widened = written.widened ? ' (its 32-bit chunk offsets made 64-bit, as they pass 4 GiB there)' : ''
  return { rewritten: true, length: written.length, note: `the moov box (the index) was moved before the media data (fast start)${widened}, so players can start before the download ends` }
}
