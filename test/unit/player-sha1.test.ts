// The service worker's SHA-1 (web/sw/sha1.ts), which decides whether a seek's piece reaches
// the element: it must agree with Node's on real files and at every padding boundary.
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sha1 } from '../../web/sw/sha1.ts'
import { repoRoot } from '../helpers/cli.ts'

const nodeSha1 = (data: Uint8Array): string => createHash('sha1').update(data).digest('hex')
const hex = (digest: Uint8Array): string => Buffer.from(digest).toString('hex')

describe('service worker SHA-1', () => {
  it('gives the published test vectors', () => {
    expect(hex(sha1(new Uint8Array()))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709')
    expect(hex(sha1(new TextEncoder().encode('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d')
    expect(hex(sha1(new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1')
  })

  it('agrees with Node on lengths around the 64-byte block and its 56-byte padding edge', () => {
    for (let length = 0; length <= 200; length++) {
      const data = randomBytes(length)
      expect(hex(sha1(data)), `length ${length}`).toBe(nodeSha1(data))
    }
  })

  it('agrees with Node on every 16 KiB piece of the fixture episode, the last one short', async () => {
    const file = await readFile(join(repoRoot, 'fixtures', 'episode.mp3'))
    const pieceLength = 16384
    expect(file.length % pieceLength).not.toBe(0)
    for (let start = 0; start < file.length; start += pieceLength) {
      const piece = file.subarray(start, start + pieceLength)
      expect(hex(sha1(piece)), `piece at ${start}`).toBe(nodeSha1(piece))
    }
  })
})
