/**
 * The length of the ID3v2 tag an MP3 (or ADTS AAC) file starts with, 0 when it has none.
 * Podcast files carry their artwork there, often hundreds of kB, and the audio starts after
 * it: Chromium places a seek target within the audio, so the byte a time falls on is the tag's
 * length plus the time's share of the rest, not its share of the whole file (see
 * Engine.playback). `head`: at least the file's first 10 bytes.
 */
export function id3v2TagLength (head: Uint8Array, fileLength: number): number {
  if (head.length < 10 || head[0] !== 0x49 || head[1] !== 0x44 || head[2] !== 0x33) return 0 // "ID3"
  // Version 2.2 to 2.4 (major byte), and a size of four 7-bit bytes ("syncsafe").
  if (head[3]! < 2 || head[3]! > 4 || head[4] === 0xff) return 0
  const sizeBytes = head.subarray(6, 10)
  if (sizeBytes.some(byte => byte >= 0x80)) return 0
  const size = (sizeBytes[0]! << 21) | (sizeBytes[1]! << 14) | (sizeBytes[2]! << 7) | sizeBytes[3]!
  const footer = head[3] === 4 && (head[5]! & 0x10) !== 0 ? 10 : 0
  const length = 10 + size + footer
  // A tag as long as the file is no tag a player would skip: read the file as having none.
  return length < fileLength ? length : 0
}
