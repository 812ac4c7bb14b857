// A show with one generated episode, its contract-A pages and `seedcast serve`, for the player's Chromium tests and benchmark.
import { execFile } from 'node:child_process'
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises'
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

export interface PlayerShow {
  dir: string
  port: number
  origin: string
  episode: Episode
  /** The episode's media bytes, as published. */
  media: Buffer
  /** The episode page (contract A markup, the built player linked). */
  pageUrl: string
  /** A page with only a plain `<audio src>` of the same file, for the benchmark's reference: same server, another origin (localhost), so no service worker. */
  plainUrl: string
}

async function cli (args: string[]): Promise<void> {
  const result = await runCli(args)
  if (result.code !== 0) throw new Error(`seedcast ${args[0]}: ${result.stderr}`)
}

/**
 * A published show on a fixed free port, with its pages written. Its tracker is `self`: the
 * one `seedcast serve` runs at <base>announce (ws:// for browsers), so serve it before peers meet.
 */
export async function makePlayerShow (seconds: number, cleanups: Cleanups, kbps = 128): Promise<PlayerShow> {
  const tmp = await tempDir('seedcast-player-')
  cleanups.push(tmp.cleanup)
  const audio = join(tmp.path, 'episode.mp3')
  await makeEpisodeAudio(audio, seconds, kbps)
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const dir = join(tmp.path, 'show')
  // The CLI rather than the library, so the benchmark can run this under plain Node too.
  await cli(['init', dir, '--title', 'Player Show', '--description', 'A show for the player tests', '--author', 'Tester',
    '--owner-name', 'Tester', '--owner-email', 'tester@example.org', '--language', 'en', '--category', 'Technology',
    '--base-url', `${origin}/`, '--tracker', 'self'])
  await cli(['publish', audio, '--show', dir, '--date', '2026-11-01', '--episode', '1', '--title', 'A tone'])
  const catalog = JSON.parse(await readFile(join(dir, 'episodes.json'), 'utf8')) as { episodes: Episode[] }
  const episode = catalog.episodes[0]!
  await writePages(join(dir, 'public'), episode)
  const media = await readFile(join(dir, 'public', episode.mediaPath))
  return { dir, port, origin, episode, media, pageUrl: `${origin}/episodes/${episode.slug}/index.html`, plainUrl: `http://localhost:${port}/plain.html` }
}

/**
 * Contract A, written the way the site writer does (built assets copied into public/, the
 * worker at the show's root, relative URLs), until src/site lands on main.
 */
async function writePages (publicDir: string, episode: Episode): Promise<void> {
  const built = join(repoRoot, 'dist', 'web')
  const manifest = JSON.parse(await readFile(join(built, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string, css?: string[] }>
  const entry = manifest['player/main.ts']
  if (!entry) throw new Error('dist/web has no player build: run npm run build')
  await cp(join(built, 'assets'), join(publicDir, 'assets'), { recursive: true })
  await cp(join(built, 'seedcast-sw.js'), join(publicDir, 'seedcast-sw.js'))
  const root = '../../'
  const page = `<!doctype html>
<html lang="en" data-seedcast-root="${root}">
<head><meta charset="utf-8"><title>${episode.title}</title>
${(entry.css ?? []).map(css => `<link rel="stylesheet" href="${root}${css}">`).join('\n')}
<script type="module" src="${root}${entry.file}"></script></head>
<body><main><article>
<h1>${episode.title}</h1>
<div class="sc-player"><audio controls preload="none" src="${root}${episode.mediaPath}" data-seedcast-player
  data-torrent="${root}${episode.torrentPath}" data-magnet="" data-infohash="${episode.infoHash}" data-length="${episode.length}"
  data-mime="${episode.mimeType}" data-chapters="" data-slug="${episode.slug}" data-title="${episode.title}"></audio></div>
</article></main></body></html>
`
  await mkdir(join(publicDir, 'episodes', episode.slug), { recursive: true })
  await writeFile(join(publicDir, 'episodes', episode.slug, 'index.html'), page)
  await writeFile(join(publicDir, 'plain.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>plain</title></head>
<body><audio controls preload="none" src="${episode.mediaPath}"></audio></body></html>\n`)
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
