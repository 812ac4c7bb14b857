/*
 * Where in an MP4 file a seek lands, read from its moov (the sample tables), so the player can
 * start fetching the bytes of a video seek the moment the element starts seeking, as it does
 * for audio, where bytes follow time. Chromium's demuxer (FFmpeg's mov reader) seeks the video
 * track to the key frame at or before the target, then every other track to that key frame's
 * time, and reads on in file order from the lowest of those samples' offsets.
 */

interface Track {
  timescale: number
  /** stts: runs of (sample count, sample duration). */
  timeToSample: Array<[number, number]>
  /** stss: 1-based sync sample numbers; undefined when every sample is one. */
  syncSamples?: number[]
  /** stsc: runs of (first chunk, samples per chunk), chunks 1-based. */
  sampleToChunk: Array<[number, number]>
  /** stsz: one size for all samples, or a size per sample. */
  sampleSize: number
  sampleSizes: number[]
  chunkOffsets: number[]
  video: boolean
}

export interface Mp4Index {
  /** Byte offset the element will read from after seeking to `seconds`. */
  byteAt: (seconds: number) => number
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl'])

/** Top-level boxes from the start of the file: where the moov lies, once enough is known. */
export function findMoov (head: Uint8Array): { start: number, end: number } | undefined {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  let at = 0
  while (at + 8 <= head.length) {
    let size = view.getUint32(at)
    const type = boxType(head, at)
    if (size === 1) {
      if (at + 16 > head.length) return undefined
      size = Number(view.getBigUint64(at + 8))
    }
    if (size < 8) return undefined
    if (type === 'moov') return { start: at, end: at + size }
    if (type === 'mdat') return undefined // moov last: no index before the media data
    at += size
  }
  return undefined
}

/** Reads the sample tables of a moov box (its bytes, header included); undefined when it has no usable track. */
export function readMp4Index (moov: Uint8Array): Mp4Index | undefined {
  const tracks: Track[] = []
  try {
    walk(moov, 0, moov.length, tracks, undefined)
  } catch {
    return undefined // a truncated or odd table: no early read, the element still asks
  }
  const usable = tracks.filter(track => track.timescale > 0 && track.chunkOffsets.length > 0 && track.timeToSample.length > 0)
  if (!usable.length) return undefined
  return { byteAt: seconds => seekOffset(usable, seconds) }
}

function boxType (data: Uint8Array, at: number): string {
  return String.fromCharCode(data[at + 4]!, data[at + 5]!, data[at + 6]!, data[at + 7]!)
}

/** Walks boxes in [from, to), filling `tracks` (one per trak); `track` is the trak being read. */
function walk (data: Uint8Array, from: number, to: number, tracks: Track[], track: Track | undefined): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  let at = from
  while (at + 8 <= to) {
    let size = view.getUint32(at)
    let header = 8
    if (size === 1) { size = Number(view.getBigUint64(at + 8)); header = 16 } else if (size === 0) size = to - at
    if (size < header || at + size > to) throw new Error('bad box')
    const type = boxType(data, at)
    const body = at + header
    if (type === 'moov' && at === from && from === 0) {
      walk(data, body, at + size, tracks, undefined)
    } else if (type === 'trak') {
      const next: Track = { timescale: 0, timeToSample: [], sampleToChunk: [], sampleSize: 0, sampleSizes: [], chunkOffsets: [], video: false }
      walk(data, body, at + size, tracks, next)
      tracks.push(next)
    } else if (CONTAINERS.has(type)) {
      walk(data, body, at + size, tracks, track)
    } else if (track) {
      readTable(view, type, body, track)
    }
    at += size
  }
}

function readTable (view: DataView, type: string, body: number, track: Track): void {
  const version = view.getUint8(body)
  const entries = (): number => view.getUint32(body + 4)
  switch (type) {
    case 'mdhd':
      track.timescale = view.getUint32(body + (version === 1 ? 20 : 12))
      break
    case 'hdlr':
      track.video = view.getUint32(body + 8) === 0x76696465 // 'vide'
      break
    case 'stts':
      for (let i = 0, n = entries(); i < n; i++) track.timeToSample.push([view.getUint32(body + 8 + 8 * i), view.getUint32(body + 12 + 8 * i)])
      break
    case 'stss':
      track.syncSamples = []
      for (let i = 0, n = entries(); i < n; i++) track.syncSamples.push(view.getUint32(body + 8 + 4 * i))
      break
    case 'stsc':
      for (let i = 0, n = entries(); i < n; i++) track.sampleToChunk.push([view.getUint32(body + 8 + 12 * i), view.getUint32(body + 12 + 12 * i)])
      break
    case 'stsz': {
      track.sampleSize = view.getUint32(body + 4)
      const count = view.getUint32(body + 8)
      if (track.sampleSize === 0) for (let i = 0; i < count; i++) track.sampleSizes.push(view.getUint32(body + 12 + 4 * i))
      break
    }
    case 'stco':
      for (let i = 0, n = entries(); i < n; i++) track.chunkOffsets.push(view.getUint32(body + 8 + 4 * i))
      break
    case 'co64':
      for (let i = 0, n = entries(); i < n; i++) track.chunkOffsets.push(Number(view.getBigUint64(body + 8 + 8 * i)))
      break
  }
}

/** 0-based sample playing at `ticks`, and that sample's start time in ticks. */
function sampleAt (track: Track, ticks: number): { sample: number, start: number } {
  let sample = 0
  let time = 0
  for (const [count, delta] of track.timeToSample) {
    if (delta > 0 && ticks < time + count * delta) {
      const within = Math.floor((ticks - time) / delta)
      return { sample: sample + within, start: time + within * delta }
    }
    sample += count
    time += count * delta
  }
  return { sample: Math.max(0, sample - 1), start: time }
}

function startOf (track: Track, sample: number): number {
  let first = 0
  let time = 0
  for (const [count, delta] of track.timeToSample) {
    if (sample < first + count) return time + (sample - first) * delta
    first += count
    time += count * delta
  }
  return time
}

/** Byte offset of 0-based `sample`: its chunk's offset plus the samples before it in the chunk. */
function offsetOf (track: Track, sample: number): number {
  const chunks = track.chunkOffsets.length
  let firstSample = 0
  for (let i = 0; i < track.sampleToChunk.length; i++) {
    const [firstChunk, perChunk] = track.sampleToChunk[i]!
    const nextChunk = track.sampleToChunk[i + 1]?.[0] ?? chunks + 1
    const samples = (nextChunk - firstChunk) * perChunk
    if (perChunk > 0 && sample < firstSample + samples) {
      const chunk = firstChunk - 1 + Math.floor((sample - firstSample) / perChunk)
      const chunkFirst = firstSample + Math.floor((sample - firstSample) / perChunk) * perChunk
      let offset = track.chunkOffsets[Math.min(chunk, chunks - 1)]!
      for (let s = chunkFirst; s < sample; s++) offset += track.sampleSize || (track.sampleSizes[s] ?? 0)
      return offset
    }
    firstSample += samples
  }
  return track.chunkOffsets[chunks - 1]!
}

function seekOffset (tracks: Track[], seconds: number): number {
  // The key frame at or before the target (the first video track, as FFmpeg picks), then
  // every track from that frame's time.
  const lead = tracks.find(track => track.video) ?? tracks[0]!
  let { sample } = sampleAt(lead, seconds * lead.timescale)
  if (lead.syncSamples?.length) {
    let sync = lead.syncSamples[0]! - 1
    for (const number of lead.syncSamples) if (number - 1 <= sample) sync = number - 1
    sample = sync
  }
  const keySeconds = startOf(lead, sample) / lead.timescale
  let lowest = offsetOf(lead, sample)
  for (const track of tracks) {
    if (track === lead) continue
    lowest = Math.min(lowest, offsetOf(track, sampleAt(track, keySeconds * track.timescale).sample))
  }
  return lowest
}
