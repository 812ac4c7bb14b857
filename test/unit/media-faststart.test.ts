// The moov rewrite of fast start at function level, on synthetic moov boxes: offsets near
// 2^32 need no 4 GiB file to test the stco → co64 widening.
import { describe, expect, it } from 'vitest'
import { moveMoov } from '../../src/media/faststart.js'

function box (type: string, ...children: Buffer[]): Buffer {
  const body = Buffer.concat(children)
  const header = Buffer.alloc(8)
  header.writeUInt32BE(8 + body.length, 0)
  header.write(type, 4, 'latin1')
  return Buffer.concat([header, body])
}

function stco (entries: number[], claimed = entries.length): Buffer {
  const body = Buffer.alloc(8 + entries.length * 4)
  body.writeUInt32BE(claimed, 4)
  entries.forEach((entry, i) => body.writeUInt32BE(entry, 8 + i * 4))
  return box('stco', body)
}

function co64 (entries: bigint[]): Buffer {
  const body = Buffer.alloc(8 + entries.length * 8)
  body.writeUInt32BE(entries.length, 4)
  entries.forEach((entry, i) => body.writeBigUInt64BE(entry, 8 + i * 8))
  return box('co64', body)
}

/** A track whose sample table ends with `table`, beside other boxes that must come through unchanged. */
const track = (table: Buffer) => box('trak', box('tkhd', Buffer.alloc(84, 1)), box('mdia', box('mdhd', Buffer.alloc(24, 2)), box('minf', box('stbl', box('stsd', Buffer.alloc(40, 3)), box('stsz', Buffer.alloc(20, 4)), table))))

interface Node { type: string, size: number, children?: Node[], entries?: bigint[] }
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'udta'])

/** Parses a box tree, checking every size adds up exactly. */
function parse (data: Buffer, from = 0, to = data.length): Node[] {
  const nodes: Node[] = []
  let at = from
  while (at < to) {
    const size = data.readUInt32BE(at)
    const type = data.toString('latin1', at + 4, at + 8)
    expect(at + size, `${type} at ${at}`).toBeLessThanOrEqual(to)
    const node: Node = { type, size }
    if (CONTAINERS.has(type)) node.children = parse(data, at + 8, at + size)
    if (type === 'stco' || type === 'co64') {
      const count = data.readUInt32BE(at + 12)
      const width = type === 'stco' ? 4 : 8
      expect(size).toBe(16 + count * width)
      node.entries = Array.from({ length: count }, (_, i) => type === 'stco' ? BigInt(data.readUInt32BE(at + 16 + i * 4)) : data.readBigUInt64BE(at + 16 + i * 8))
    }
    nodes.push(node)
    at += size
  }
  expect(at).toBe(to)
  return nodes
}

const tables = (nodes: Node[]): Node[] => nodes.flatMap(node => node.type === 'stco' || node.type === 'co64' ? [node] : tables(node.children ?? []))

describe('fast start: moving the moov box', () => {
  it('moves every chunk offset before the moov\'s old place by its size, keeps those after it, and changes nothing else', () => {
    const moov = box('moov', box('mvhd', Buffer.alloc(100, 9)), track(stco([48, 500, 900])), track(co64([600n, 2000n])), box('udta', box('free', Buffer.alloc(10))))
    const moved = moveMoov(moov, 1000)
    if ('problem' in moved) throw new Error(moved.problem)
    expect(moved.widened).toBe(false)
    expect(moved.moov.length).toBe(moov.length)
    const found = tables(parse(moved.moov))
    expect(found.map(t => [t.type, t.entries])).toEqual([
      ['stco', [48n, 500n, 900n].map(n => n + BigInt(moov.length))],
      ['co64', [600n + BigInt(moov.length), 2000n]] // 2000 lies after the old moov: it does not move
    ])
    // Everything but the offsets is byte for byte the same.
    const zeroOffsets = (data: Buffer) => { const copy = Buffer.from(data); for (const at of [data.indexOf('stco'), data.indexOf('co64')]) copy.fill(0, at + 12, at - 4 + copy.readUInt32BE(at - 4)); return copy }
    expect(zeroOffsets(moved.moov)).toEqual(zeroOffsets(moov))
  })

  it('turns every stco into a co64 when a 32-bit offset would pass 4 GiB, growing the containers and shifting by the new size', () => {
    // A file just under 4 GiB whose moov sits at its end: the last chunk, near 2^32, overflows once moved.
    const oldStart = 0xffffff00
    const moov = box('moov', box('mvhd', Buffer.alloc(600, 9)), track(stco([48, 0x80000000, 0xfffffe00])), track(co64([1000n, 0xfffffe80n, BigInt(oldStart) + 5000n])))
    expect(0xfffffe00 + moov.length).toBeGreaterThan(0xffffffff)
    const moved = moveMoov(moov, oldStart)
    if ('problem' in moved) throw new Error(moved.problem)
    expect(moved.widened).toBe(true)
    const size = BigInt(moved.moov.length)
    expect(moved.moov.length).toBe(moov.length + 3 * 4) // 4 more bytes for each of the 3 stco entries
    const tree = parse(moved.moov)
    expect(tree).toHaveLength(1)
    expect(tree[0]!.size).toBe(moved.moov.length)
    const found = tables(tree)
    expect(found.map(t => t.type)).toEqual(['co64', 'co64'])
    expect(found[0]!.entries).toEqual([48n + size, 0x80000000n + size, 0xfffffe00n + size])
    // Data after the old moov moves by what the moov grew (12 bytes), not by its size.
    expect(found[1]!.entries).toEqual([1000n + size, 0xfffffe80n + size, BigInt(oldStart) + 5000n + 12n])
    expect(found[0]!.entries![2]!).toBeGreaterThan(0xffffffffn)
  })

  it('says why when a chunk offset table is cut, instead of writing a broken file', () => {
    const moov = box('moov', box('mvhd', Buffer.alloc(100)), track(stco([48, 500], 50)))
    expect(moveMoov(moov, 1000)).toEqual({ problem: 'its stco table is cut' })
  })
})
