// Issue 10, defect 1: a hostile BitTorrent peer (a handshake for a served infohash, then a
// message whose length prefix says 1 GiB, then a stream of bytes) froze a whole seed box,
// HTTP included. Each long-running command that talks to peers gets the attack from a raw
// socket on its own loopback address (127.0.0.2 / 127.0.0.3, so honest peers on 127.0.0.1
// show that the ban is per address): the peer must be dropped at once and banned, the rest
// of the process must not notice.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTorrent } from '../../src/torrent/create.js'
import { binPath } from '../helpers/cli.js'
import { startJsonProcess, waitForLines, within, type JsonProcess } from '../helpers/json-process.js'
import { announceFrom, attackPeerPort, residentBytes, startHostileSeeder, tryHandshake } from '../helpers/hostile-peer.js'
import { tempDir } from '../helpers/tmp.js'
import { startTracker } from '../helpers/tracker.js'
import { fixtureMp3, startAria2Seeder } from './get-helpers.js'
import { makePublishedShow } from './serve-helpers.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

/** What the attacker offers to send: far more than any legal message, far less than 1 GiB (the test must end). */
const ATTACK_BYTES = 256 * 1024 * 1024
/** Bytes the attacker may get through before the drop: kernel socket buffers, not the attack. */
const MAX_SWALLOWED = 32 * 1024 * 1024

function start (args: string[]): JsonProcess {
  const proc = startJsonProcess([binPath, ...args, '--json'], { NO_COLOR: '1' })
  cleanups.push(proc.kill)
  return proc
}

async function event (proc: JsonProcess, test: (line: Record<string, any>) => boolean, what: string, ms = 30_000): Promise<Record<string, any>> {
  await waitForLines(what, ms, () => proc.lines.some(test), [proc]).catch((error: Error) => {
    throw new Error(`${error.message}; stderr: ${proc.stderr()}; lines: ${JSON.stringify(proc.lines).slice(0, 2000)}`)
  })
  return proc.lines.find(test)!
}

/** A tracker, the fixture MP3 in `media/` and its .torrent (16 KiB pieces) announcing there. */
async function episodeTorrent (prefix: string) {
  const tmp = await tempDir(prefix)
  cleanups.push(tmp.cleanup)
  const tracker = await startTracker({ ws: false, interval: 1000 })
  cleanups.push(tracker.close)
  const media = join(tmp.path, 'media')
  await mkdir(media)
  await copyFile(fixtureMp3, join(media, 'episode.mp3'))
  const { torrent, infoHash } = await createTorrent(join(media, 'episode.mp3'), { announce: [[tracker.httpUrl]], pieceLength: 16384 })
  const torrentPath = join(tmp.path, 'episode.torrent')
  await writeFile(torrentPath, torrent)
  return { tmp, tracker, media, torrentPath, infoHash }
}

async function stop (proc: JsonProcess): Promise<number | null> {
  proc.child.kill('SIGTERM')
  return (await within(proc.exited, 15_000, 'stop')).code
}

describe('a hostile peer announcing a 1 GiB message', () => {
  it('serve --seed drops and bans it at once while HTTP keeps answering, and memory does not grow by the attack', async () => {
    const tmp = await tempDir('seedcast-hostile-serve-')
    cleanups.push(tmp.cleanup)
    const show = join(tmp.path, 'show')
    await makePublishedShow(show, 'http://127.0.0.1:8080/', ['episode.mp3'], 'Hostile Show')
    const serve = start(['serve', show, '--port', '0', '--seed', '--no-dht', '--state', join(tmp.path, 'state')])
    const { url } = await event(serve, line => typeof line.url === 'string', 'serve: listening')
    const started = await event(serve, line => line.event === 'started', 'serve: seeding started')
    const seeding = await event(serve, line => line.event === 'seeding', 'serve: episode seeded')
    const rss = new URL('rss.xml', url).href
    const feed = await (await fetch(rss)).text()
    expect(feed).toContain('<rss')
    const rssBefore = await residentBytes(serve.child.pid!)

    // A podcast app polling the feed the whole time.
    let polling = true
    const answers: string[] = []
    const poller = (async () => {
      while (polling) answers.push(await (await fetch(rss)).text())
    })()

    const attack = await within(attackPeerPort(started.port, seeding.infoHash, { localAddress: '127.0.0.2', limit: ATTACK_BYTES }), 15_000, 'the drop of the hostile peer')
    expect(attack.closed).toBe(true)
    expect(attack.sentAfterHandshake).toBeLessThan(MAX_SWALLOWED)
    const banned = await event(serve, line => line.event === 'warning' && line.code === 'EPEERBANNED', 'serve: the ban reported')
    expect(banned.message).toMatch(/^peer 127\.0\.0\.2:\d+ sent a piece message of 1073741824 bytes \(at most 131081\); dropped and banned for 60 min$/)

    // HTTP answered during and after the attack, every body whole.
    const during = answers.length
    await waitForLines('feed answers after the attack', 10_000, () => answers.length >= during + 3)
    polling = false
    await poller
    expect(answers.length).toBeGreaterThanOrEqual(3)
    for (const body of answers) expect(body).toBe(feed)

    // The same address is refused before its handshake is read; another address is served.
    expect(await tryHandshake(started.port, seeding.infoHash, '127.0.0.2')).toBe('refused')
    expect(await tryHandshake(started.port, seeding.infoHash, '127.0.0.1')).toBe('answered')
    expect(await residentBytes(serve.child.pid!) - rssBefore).toBeLessThan(MAX_SWALLOWED)
    expect(await stop(serve)).toBe(0)
    expect(serve.stderr()).not.toContain('seedcast: warning:')
  })

  it('seed drops and bans it, refuses it again, and still serves aria2c on another address', async () => {
    const { tmp, media, torrentPath } = await episodeTorrent('seedcast-hostile-seed-')
    const seed = start(['seed', torrentPath, '--data', media, '--no-dht', '--no-lsd', '--host', '127.0.0.1', '--state', join(tmp.path, 'state')])
    const started = await event(seed, line => line.event === 'started', 'seed: started')
    const seeding = await event(seed, line => line.event === 'seeding', 'seed: seeding')

    const attack = await within(attackPeerPort(started.port, seeding.infoHash, { localAddress: '127.0.0.2', limit: ATTACK_BYTES }), 15_000, 'the drop of the hostile peer')
    expect(attack.closed).toBe(true)
    expect(attack.sentAfterHandshake).toBeLessThan(MAX_SWALLOWED)
    await event(seed, line => line.event === 'warning' && line.code === 'EPEERBANNED' && line.address.startsWith('127.0.0.2:'), 'seed: the ban reported')
    expect(await tryHandshake(started.port, seeding.infoHash, '127.0.0.2')).toBe('refused')

    const { aria2Download } = await import('../helpers/aria2.js')
    const out = join(tmp.path, 'aria2')
    const aria = await aria2Download(torrentPath, out, 45_000)
    expect(aria.code, aria.output).toBe(0)
    expect(Buffer.compare(await readFile(join(out, 'episode.mp3')), await readFile(fixtureMp3))).toBe(0)

    expect(await stop(seed)).toBe(0)
    const stopped = seed.lines.find(line => line.event === 'stopped')!
    expect(stopped.fastPaths).toMatchObject({ oversizedMessages: 1 })
    expect(stopped.fastPaths.bannedConnections).toBeGreaterThanOrEqual(1)
  })

  it('get drops a hostile seeder, bans it, and finishes from an honest one', async () => {
    const { tmp, tracker, media, torrentPath, infoHash } = await episodeTorrent('seedcast-hostile-get-')

    // The hostile seeder is the only peer the tracker knows when get starts.
    const hostile = await startHostileSeeder('127.0.0.3', infoHash, ATTACK_BYTES)
    cleanups.push(hostile.close)
    await announceFrom(tracker.httpUrl, infoHash, hostile.port, '127.0.0.3')
    const out = join(tmp.path, 'out')
    const get = start(['get', torrentPath, '-o', out, '--no-dht', '--timeout', '30'])
    const banned = await event(get, line => line.event === 'warning' && /^peer 127\.0\.0\.3:\d+ sent a piece message of 1073741824 bytes/.test(line.message ?? ''), 'get: the hostile seeder banned')
    expect(banned.message).toMatch(/dropped and banned for 60 min$/)
    await waitForLines('the hostile seeder sees the drop', 10_000, () => hostile.attacks.length > 0)
    expect(hostile.attacks[0]).toMatchObject({ closed: true })
    expect(hostile.attacks[0]!.sentAfterHandshake).toBeLessThan(MAX_SWALLOWED)

    // Then an honest seeder joins; get finds it through the tracker and finishes.
    const aria = await startAria2Seeder(torrentPath, media)
    cleanups.push(aria.stop)
    const exit = await within(get.exited, 45_000, 'get')
    expect(exit.code, get.stderr()).toBe(0)
    expect(Buffer.compare(await readFile(join(out, 'episode.mp3')), await readFile(fixtureMp3))).toBe(0)
    // Re-announced by the tracker every second, the banned seeder is never dialled again (each dial is attacked and would be reported).
    expect(get.lines.filter(line => line.event === 'warning' && /^peer 127\.0\.0\.3:/.test(line.message ?? ''))).toHaveLength(1)
  })
})
