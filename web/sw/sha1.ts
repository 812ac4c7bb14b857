/**
 * SHA-1 computed on the calling thread. WebCrypto's digest runs on another thread and each
 * result comes back as a task of this one: on a busy machine, checking a seek's pieces that
 * way waited on thread hops rather than on the hashing (a 16 KiB piece is well under a
 * millisecond here).
 */
export function sha1 (data: Uint8Array): Uint8Array {
  const w = new Int32Array(80)
  let h0 = 0x67452301
  let h1 = 0xefcdab89 | 0
  let h2 = 0x98badcfe | 0
  let h3 = 0x10325476
  let h4 = 0xc3d2e1f0 | 0
  const length = data.length
  // The message, a 0x80 byte, zeros, and its length in bits (64-bit big-endian) fill whole 64-byte blocks.
  const blocks = ((length + 8) >>> 6) + 1
  for (let block = 0; block < blocks; block++) {
    const base = block * 64
    if (base + 64 <= length) {
      for (let i = 0, at = base; i < 16; i++, at += 4) w[i] = (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!
    } else {
      for (let i = 0; i < 16; i++) {
        let word = 0
        for (let b = 0; b < 4; b++) {
          const at = base + i * 4 + b
          word = (word << 8) | (at < length ? data[at]! : at === length ? 0x80 : 0)
        }
        w[i] = word
      }
      if (block === blocks - 1) {
        w[14] = Math.floor(length / 0x20000000)
        w[15] = (length * 8) >>> 0
      }
    }
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!
      w[i] = (x << 1) | (x >>> 31)
    }
    let a = h0
    let b = h1
    let c = h2
    let d = h3
    let e = h4
    for (let i = 0; i < 80; i++) {
      let f: number
      let k: number
      if (i < 20) {
        f = (b & c) | (~b & d)
        k = 0x5a827999
      } else if (i < 40) {
        f = b ^ c ^ d
        k = 0x6ed9eba1
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d)
        k = 0x8f1bbcdc | 0
      } else {
        f = b ^ c ^ d
        k = 0xca62c1d6 | 0
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]!) | 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = t
    }
    h0 = (h0 + a) | 0
    h1 = (h1 + b) | 0
    h2 = (h2 + c) | 0
    h3 = (h3 + d) | 0
    h4 = (h4 + e) | 0
  }
  const out = new Uint8Array(20)
  const view = new DataView(out.buffer)
  view.setInt32(0, h0)
  view.setInt32(4, h1)
  view.setInt32(8, h2)
  view.setInt32(12, h3)
  view.setInt32(16, h4)
  return out
}
