// A show published by the CLI, whose real pages (written by src/site with the built player)
// `seedcast serve` serves, for the player's Chromium tests and benchmark.
import { execFile } from 'node:child_process'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Episode } from '../../src/model/show.ts'
import { binPath, repoRoot, runCli } from '../helpers/cli.ts'
import { startJsonProcess, waitForLines, type JsonProcess } from '../helpers/json-process.ts'
import { freePort } from '../helpers/ports.ts'
import { tempDir } from '../helpers/tmp.ts'

const run = promisify(execFile)
export type Cleanups = Array<() => Promise<void> | void>

/** `seconds` of a sweeping tone as CBR MP3 (ffmpeg + LAME), so every range of the file is distinct audio. */
export async function makeEpisodeAudio (path: string, seconds: number, kbps = 128): Promise<void> {
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=220:beep_factor=3:duration=${seconds}`,
    '-ac', '1', '-ar', '44100', '-c:a', 'libmp3lame', '-b:a', `${kbps}k`, path], { timeout: 120_000 })
}

/**
 * Puts a noise picture of about `bytes` into the MP3's ID3v2 tag as its cover (APIC), as real
 * podcasts carry their artwork: the audio then starts that far into the file.
 */
export async function addCoverTag (path: string, bytes: number): Promise<void> {
  const side = Math.ceil(Math.sqrt(bytes / 3))
  const picture = `${path}.cover.png`
  const tagged = `${path}.tagged.mp3`
  // Random noise does not compress: a side x side RGB PNG is about 3 * side^2 bytes.
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=gray:s=${side}x${side},noise=alls=100:allf=t`, '-frames:v', '1', picture], { timeout: 60_000 })
  await run('ffmpeg', ['-v', 'error', '-y', '-i', path, '-i', picture, '-map', '0:a', '-map', '1:v', '-c', 'copy', '-id3v2_version', '3',
    '-metadata:s:v', 'title=Cover', '-metadata:s:v', 'comment=Cover (front)', tagged], { timeout: 60_000 })
  await rename(tagged, path)
  await rm(picture)
}

/** `seconds` of a test picture with a tone as VP9/Opus WebM, a key frame every 2 s, Cues at the end (ffmpeg's default). */
export async function makeEpisodeWebm (path: string, seconds: number): Promise<void> {
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=320x180:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=660:duration=${seconds}`, '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8',
    '-b:v', '300k', '-g', '50', '-c:a', 'libopus', '-b:a', '48k', '-shortest', path], { timeout: 120_000 })
}

/** `seconds` of a test picture with a tone as H.264/AAC MP4, moov first (Chromium plays it). */
export async function makeEpisodeVideo (path: string, seconds: number): Promise<void> {
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=320x180:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p',
    '-b:v', '400k', '-c:a', 'aac', '-b:a', '64k', '-shortest', '-movflags', '+faststart', path], { timeout: 120_000 })
}

export interface EpisodeSpec {
  seconds: number
  title?: string
  /** A video: H.264/AAC MP4 (true or 'mp4') or VP9/Opus WebM. */
  video?: boolean | 'mp4' | 'webm'
  /** "HH:MM:SS Title" lines given to `publish --chapters`. */
  chapters?: string[]
  /** WebVTT text given to `publish --transcript`. */
  transcript?: string
  /** An MP3 whose ID3v2 tag carries a cover picture of about this many bytes (see addCoverTag). */
  coverTagBytes?: number
}

export interface PublishedEpisode {
  episode: Episode
  /** The media bytes, as published. */
  media: Buffer
  /** Its page as src/site wrote it, at its folder URL. */
  pageUrl: string
}

export interface PlayerShow {
  dir: string
  port: number
  origin: string
  /** The first episode (most tests have one) and its page. */
  episode: Episode
  media: Buffer
  pageUrl: string
  episodes: PublishedEpisode[]
}

async function cli (args: string[]): Promise<void> {
  const result = await runCli(args)
  if (result.code !== 0) throw new Error(`seedcast ${args[0]}: ${result.stderr}`)
}

/**
 * A show on a fixed free port with `specs` published (oldest first) by the CLI, which writes
 * the show's pages with the built player (dist/web: run `npm run build` first). Its tracker is
 * `self`: the one `seedcast serve` runs at <base>announce (ws:// for browsers), so serve it
 * before peers meet. `seconds` alone makes one MP3 episode.
 */
export async function makePlayerShow (specs: number | EpisodeSpec[], cleanups: Cleanups, kbps = 128): Promise<PlayerShow> {
  const list = typeof specs === 'number' ? [{ seconds: specs }] : specs
  const tmp = await tempDir('seedcast-player-')
  cleanups.push(tmp.cleanup)
  const manifest = join(repoRoot, 'dist', 'web', '.vite', 'manifest.json')
  if (!await readFile(manifest).then(() => true, () => false)) throw new Error('dist/web has no player build: run npm run build')
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const dir = join(tmp.path, 'show')
  // The CLI rather than the library, so the benchmark can run this under plain Node too.
  await cli(['init', dir, '--title', 'Player Show', '--description', 'A show for the player tests', '--author', 'Tester',
    '--owner-name', 'Tester', '--owner-email', 'tester@example.org', '--language', 'en', '--category', 'Technology',
    '--base-url', `${origin}/`, '--tracker', 'self'])
  for (const [index, spec] of list.entries()) {
    const media = join(tmp.path, `episode-${index}.${spec.video === 'webm' ? 'webm' : spec.video ? 'mp4' : 'mp3'}`)
    if (spec.video === 'webm') await makeEpisodeWebm(media, spec.seconds)
    else if (spec.video) await makeEpisodeVideo(media, spec.seconds)
    else await makeEpisodeAudio(media, spec.seconds, kbps)
    if (spec.coverTagBytes && !spec.video) await addCoverTag(media, spec.coverTagBytes)
    const args = ['publish', media, '--show', dir, '--date', `2026-11-${String(index + 1).padStart(2, '0')}`, '--episode', String(index + 1),
      '--title', spec.title ?? (index === 0 ? 'A tone' : `Tone ${index + 1}`)]
    if (spec.chapters) {
      await writeFile(join(tmp.path, `chapters-${index}.txt`), `${spec.chapters.join('\n')}\n`)
      args.push('--chapters', join(tmp.path, `chapters-${index}.txt`))
    }
    if (spec.transcript) {
      await writeFile(join(tmp.path, `transcript-${index}.vtt`), spec.transcript)
      args.push('--transcript', join(tmp.path, `transcript-${index}.vtt`))
    }
    await cli(args)
  }
  const catalog = JSON.parse(await readFile(join(dir, 'episodes.json'), 'utf8')) as { episodes: Episode[] }
  const oldestFirst = [...catalog.episodes].sort((a, b) => a.pubDate.localeCompare(b.pubDate))
  const episodes = await Promise.all(oldestFirst.map(async episode => ({
    episode,
    media: await readFile(join(dir, 'public', episode.mediaPath)),
    pageUrl: `${origin}/episodes/${episode.slug}/`
  })))
  const first = episodes[0]!
  return { dir, port, origin, episode: first.episode, media: first.media, pageUrl: first.pageUrl, episodes }
}

/** `seedcast seed` of the show folder over WebRTC only (host candidates); resolves once it seeds. */
export async function seedShow (show: PlayerShow, cleanups: Cleanups): Promise<JsonProcess> {
  const seed = startJsonProcess([binPath, 'seed', show.dir, '--no-dht', '--no-lsd', '--no-utp', '--ice-server', 'none',
    '--state', join(show.dir, '..', `seed-state-${Date.now()}`), '--json'], { NO_COLOR: '1' })
  cleanups.push(seed.kill)
  await waitForLines('seed seeding', 30_000, () => seed.lines.some(line => line.event === 'seeding'), [seed])
  return seed
}

/** `seedcast serve` on the show's port, seeding over WebRTC when `seed`; resolves once it listens (and seeds). */
export async function serveShow (show: PlayerShow, seed: boolean, cleanups: Cleanups): Promise<JsonProcess> {
  const args = [binPath, 'serve', show.dir, '--port', String(show.port), '--json']
  if (seed) args.push('--seed', '--no-dht', '--state', join(show.dir, '..', `state-${Date.now()}`))
  const serve = startJsonProcess(args, { NO_COLOR: '1' })
  cleanups.push(serve.kill)
  await waitForLines('serve listening', 30_000, () => serve.lines.some(line => typeof line.url === 'string'), [serve])
  if (seed) await waitForLines('serve seeding', 30_000, () => serve.lines.some(line => line.event === 'seeding'), [serve])
  return serve
}
