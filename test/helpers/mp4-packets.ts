// FFmpeg's view of an MP4's packets (ffprobe), to check where the player expects a seek to read.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface Packet { stream: number, pts: number, pos: number, key: boolean }

export async function mp4Packets (path: string): Promise<Packet[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'packet=stream_index,pts_time,pos,flags', '-of', 'json', path], { timeout: 60_000 })
  const list = (JSON.parse(stdout) as { packets: Array<{ stream_index: number, pts_time: string, pos: string, flags: string }> }).packets
  return list.map(p => ({ stream: p.stream_index, pts: Number(p.pts_time), pos: Number(p.pos), key: p.flags.startsWith('K') }))
}

/**
 * The byte FFmpeg's mov reader (Chromium's demuxer) reads from after a backward seek to `t`
 * in a file with video as stream 0 and audio as stream 1: the lowest position of the key frame
 * at or before t and of the audio packet at that frame's time.
 */
export function ffmpegSeekByte (packets: Packet[], t: number): number {
  const key = packets.filter(p => p.stream === 0 && p.key && p.pts <= t + 1e-6).at(-1)!
  const audio = packets.filter(p => p.stream === 1 && p.pts <= key.pts + 1e-6).at(-1)!
  return Math.min(key.pos, audio.pos)
}
