import { describe, expect, it } from 'vitest'
import { choosePieceLength, parsePieceLength } from '../../src/torrent/piece-length.js'

const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB

describe('choosePieceLength', () => {
  it.each([
    [1, 16 * KiB],
    [16 * KiB * 2000, 16 * KiB],
    [16 * KiB * 2000 + 1, 32 * KiB],
    [50 * MiB, 32 * KiB],
    [700 * MiB, 512 * KiB],
    [1 * GiB, 1 * MiB],
    [4 * GiB, 4 * MiB],
    [100 * GiB, 16 * MiB]
  ])('%d bytes → %d', (bytes, expected) => {
    expect(choosePieceLength(bytes)).toBe(expected)
  })

  it('is a power of two within 16 KiB..16 MiB and keeps 1000-2000 pieces in the middle range', () => {
    for (let bytes = 1; bytes < 2 ** 46; bytes = Math.ceil(bytes * 1.37)) {
      const length = choosePieceLength(bytes)
      expect(length & (length - 1)).toBe(0)
      expect(length).toBeGreaterThanOrEqual(16 * KiB)
      expect(length).toBeLessThanOrEqual(16 * MiB)
      const pieces = Math.ceil(bytes / length)
      if (length > 16 * KiB && length < 16 * MiB) {
        expect(pieces).toBeGreaterThan(1000)
        expect(pieces).toBeLessThanOrEqual(2000)
      }
    }
  })
})

describe('parsePieceLength', () => {
  it.each([
    ['262144', 256 * KiB], ['256K', 256 * KiB], ['256k', 256 * KiB], ['256KiB', 256 * KiB],
    ['1M', MiB], ['1mb', MiB], ['2^18', 256 * KiB], ['2^24', 16 * MiB], ['16K', 16 * KiB], ['64M', 64 * MiB]
  ])('%s → %d', (text, bytes) => {
    expect(parsePieceLength(text)).toBe(bytes)
  })

  it.each([
    ['3K', /not a power of two/], ['100000', /not a power of two/], ['8K', /out of range/], ['128M', /out of range/],
    ['2^30', /out of range/], ['abc', /invalid piece length "abc"/], ['1G', /invalid piece length/], ['', /invalid piece length/]
  ])('rejects %j', (text, message) => {
    expect(() => parsePieceLength(text)).toThrow(message)
  })
})
