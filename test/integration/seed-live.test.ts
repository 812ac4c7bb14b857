// A running `seedcast seed <show>` and `seedcast serve --seed` follow their show folders:
// an episode published by another process while they run is seeded (aria2c, with no web
// seed to fall back on, gets all of it from them), a removed one is dropped (no longer
// announced, a peer asking for it is refused before any bitfield), and the episodes they
// already seed are not hashed again. After `show edit --tracker`, the running seeder
// announces to the new tracker (without hashing), so a peer that only knows it gets the bytes.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import bencode from 'bencode'
import { afterEach, describe, expect, it } from 'vitest'
import { initShow } from '../../src/show/init.js'
import { aria2Download } from '../helpers/aria2.ts'
import { binPath, runCli } from '../helpers/cli.ts'
import { startJsonProcess, waitForLines, within, type JsonProcess } from '../helpers/json-process.ts'
import { probePeer } from '../helpers/peer-probe.ts'
import { tempDir } from '../helpers/tmp.ts'
import { startTracker, type TestTracker } from '../helpers/tracker.ts'
import { fixture, readCatalogFile } from './publish-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const offline = ['--no-dht', '--no-lsd', '--no-webrtc']

async function setup () {
  const tmp = await tempDir()
  cleanups.push(tmp.cleanup)
  const tracker = await startTracker({ ws: false, interval: 2_000 })
  cleanups.push(tracker.close)
  const show = join(tmp.path, 'show')
  await initShow(show, {
    title: 'Live Show', description: 'Published while seeding', author: 'Tester', ownerName: 'Tester',
    ownerEmail: 'tester@example.org', language: 'en', category: 'Technology', baseUrl: 'https://pod.example.org/live/',
    image: fixture('cover.jpg'), trackers: [tracker.httpUrl]
  })
  return { tmp: tmp.path, tracker, show }
}

async function publish (show: string, media: string, title: string): Promise<{ infoHash: string, slug: string, torrentPath: string }> {
  const result = await runCli(['publish', media, '--show', show, '--title', title])
  expect(result.code, result.stderr).toBe(0)
  const episode = (await readCatalogFile(show)).episodes.find(e => e.title === title)!
  return { infoHash: episode.infoHash, slug: episode.slug, torrentPath: join(show, 'public', episode.torrentPath) }
}

/** A copy of the .torrent without its web seed (url-list): a peer-only leecher. Same infohash. */
async function peerOnlyTorrent (torrentPath: string, out: string): Promise<string> {
  const torrent = bencode.decode(await readFile(torrentPath)) as Record<string, unknown>
  delete torrent['url-list']
  await writeFile(out, bencode.encode(torrent))
  return out
}

function seederOf (proc: JsonProcess) {
  const wait = async (what: string, test: (line: Record<string, any>) => boolean, ms = 30_000) => {
    await waitForLines(what, ms, () => proc.lines.some(test), [proc]).catch((error: Error) => { throw new Error(`${error.message}; stderr: ${proc.stderr()}; events: ${JSON.stringify(proc.lines.filter(l => l.event !== 'stats' && l.event !== 'peer'))}`) })
    return proc.lines.find(test)!
  }
  /** The hash counter as reported by the next 'stats' event after now. */
  const hashedNow = async () => {
    const from = proc.lines.length
    const stats = await wait('a stats event', line => proc.lines.indexOf(line) >= from && line.event === 'stats', 10_000)
    return stats.hashedPieces as number
  }
  return { wait, hashedNow }
}

const noSeederPeer = (tracker: TestTracker, infoHash: string) => {
  const swarm = (tracker.server.torrents as Record<string, { complete: number } | undefined>)[infoHash]
  return !swarm || swarm.complete === 0
}

describe('a running seeder follows its show folders', () => {
  it('seed <show>: a published episode is seeded to a peer-only aria2c, a removed one is dropped, the others are not hashed again', async () => {
    const { tmp, tracker, show } = await setup()
    const one = await publish(show, fixture('episode.mp3'), 'One')
    const proc = startJsonProcess([binPath, 'seed', show, ...offline, '--state', join(tmp, 'state'), '--json'])
    cleanups.push(proc.kill)
    const seeder = seederOf(proc)
    const first = await seeder.wait('episode one seeding', line => line.event === 'seeding' && line.infoHash === one.infoHash)
    expect(first.hashedPieces).toBe(first.pieces)
    const port = proc.lines.find(line => line.event === 'started')!.port as number
    expect(await seeder.hashedNow()).toBe(first.pieces)

    const two = await publish(show, fixture('episode-2.mp3'), 'Two')
    const second = await seeder.wait('episode two seeding', line => line.event === 'seeding' && line.infoHash === two.infoHash)
    expect(second).toMatchObject({ resumed: false, hashedPieces: second.pieces })

    const out = join(tmp, 'aria2')
    const aria = await aria2Download(await peerOnlyTorrent(two.torrentPath, join(tmp, 'two.torrent')), out, 60_000)
    expect(aria.code, aria.output).toBe(0)
    const [got, published] = await Promise.all([readFile(join(out, `${two.slug}.mp3`)), readFile(fixture('episode-2.mp3'))])
    expect(Buffer.compare(got, published)).toBe(0)
    // Only the new episode was hashed; episode one was seeded once and never checked again.
    expect(await seeder.hashedNow()).toBe(first.pieces + second.pieces)
    expect(proc.lines.filter(line => line.event === 'seeding' && line.infoHash === one.infoHash)).toHaveLength(1)

    // Before the removal a peer asking for episode one gets its bitfield.
    expect((await probePeer(port, one.infoHash, 10_000)).messages).toContain(5)
    const removed = await runCli(['episodes', 'remove', one.slug, '--show', show])
    expect(removed.code, removed.stderr).toBe(0)
    await seeder.wait('episode one removed', line => line.event === 'removed' && line.infoHash === one.infoHash)
    const refused = await probePeer(port, one.infoHash, 10_000, () => false)
    expect(refused).toMatchObject({ handshake: false, messages: [], bytes: 0, closedByRemote: true })
    expect((await probePeer(port, two.infoHash, 10_000)).messages).toContain(5)
    await waitForLines('the tracker no longer lists the seeder for episode one', 10_000, () => noSeederPeer(tracker, one.infoHash), [proc])
    expect(noSeederPeer(tracker, two.infoHash)).toBe(false)
    expect(await seeder.hashedNow()).toBe(first.pieces + second.pieces)

    proc.child.kill('SIGTERM')
    expect((await within(proc.exited, 15_000, 'seeder stop')).code).toBe(0)
  }, 180_000)

  it('serve --seed: an episode made public while the box runs (draft, then undrafted) reaches a peer-only aria2c', async () => {
    const { tmp, show } = await setup()
    const one = await publish(show, fixture('episode.mp3'), 'One')
    const proc = startJsonProcess([binPath, 'serve', show, '--port', '0', '--seed', '--no-dht', '--state', join(tmp, 'state'), '--json'])
    cleanups.push(proc.kill)
    const seeder = seederOf(proc)
    const first = await seeder.wait('episode one seeding', line => line.event === 'seeding' && line.infoHash === one.infoHash)

    const draft = await runCli(['publish', fixture('episode-2.mp3'), '--show', show, '--title', 'Later', '--draft'])
    expect(draft.code, draft.stderr).toBe(0)
    const later = (await readCatalogFile(show)).episodes.find(e => e.title === 'Later')!
    const edited = await runCli(['episodes', 'edit', later.slug, '--show', show, '--no-draft'])
    expect(edited.code, edited.stderr).toBe(0)
    const second = await seeder.wait('the undrafted episode seeding', line => line.event === 'seeding' && line.infoHash === later.infoHash)
    expect(second.hashedPieces).toBe(second.pieces)
    // One check each: the box did not start over.
    expect(proc.lines.filter(line => line.event === 'seeding').map(line => line.infoHash)).toEqual([one.infoHash, later.infoHash])

    const out = join(tmp, 'aria2')
    const aria = await aria2Download(await peerOnlyTorrent(join(show, 'public', later.torrentPath), join(tmp, 'later.torrent')), out, 60_000)
    expect(aria.code, aria.output).toBe(0)
    expect(Buffer.compare(await readFile(join(out, `${later.slug}.mp3`)), await readFile(fixture('episode-2.mp3')))).toBe(0)
    expect(first.hashedPieces).toBe(first.pieces)

    proc.child.kill('SIGTERM')
    expect((await within(proc.exited, 20_000, 'server stop')).code, proc.stderr()).toBe(0)
  }, 180_000)

  // Both commands run the same seeder; serve --seed also serves HTTP beside it.
  const seeders: Array<[string, (show: string, state: string) => string[]]> = [
    ['seed <show>', (show, state) => ['seed', show, ...offline, '--state', state, '--json']],
    ['serve --seed', (show, state) => ['serve', show, '--port', '0', '--seed', ...offline, '--state', state, '--json']]
  ]
  it.each(seeders)('%s: after show edit --tracker, the seeder leaves the old tracker and a peer-only aria2c that knows only the new one gets the episode, nothing hashed again', async (name, command) => {
    const { tmp, tracker: oldTracker, show } = await setup()
    const newTracker = await startTracker({ ws: false, interval: 2_000 })
    cleanups.push(newTracker.close)
    const one = await publish(show, fixture('episode.mp3'), 'One')
    const proc = startJsonProcess([binPath, ...command(show, join(tmp, 'state'))])
    cleanups.push(proc.kill)
    const seeder = seederOf(proc)
    const first = await seeder.wait('episode one seeding', line => line.event === 'seeding' && line.infoHash === one.infoHash)
    await waitForLines('the old tracker lists the seeder', 10_000, () => !noSeederPeer(oldTracker, one.infoHash), [proc])
    expect(noSeederPeer(newTracker, one.infoHash)).toBe(true)

    const edited = await runCli(['show', 'edit', '--show', show, '--tracker', newTracker.httpUrl])
    expect(edited.code, edited.stderr).toBe(0)
    const announce = (bencode.decode(await readFile(one.torrentPath)) as Record<string, unknown>).announce
    expect(Buffer.from(announce as Uint8Array).toString()).toBe(newTracker.httpUrl)

    await seeder.wait('episode one moved to the new tracker', line => line.event === 'removed' && line.infoHash === one.infoHash && line.reason === 'trackers changed')
    const again = await seeder.wait('episode one seeding again', line => line.event === 'seeding' && line.infoHash === one.infoHash && line !== first)
    expect(again).toMatchObject({ resumed: true, hashedPieces: 0 })
    await waitForLines('the new tracker lists the seeder', 10_000, () => !noSeederPeer(newTracker, one.infoHash), [proc])
    await waitForLines('the old tracker no longer lists it', 10_000, () => noSeederPeer(oldTracker, one.infoHash), [proc])

    const out = join(tmp, 'aria2')
    const aria = await aria2Download(await peerOnlyTorrent(one.torrentPath, join(tmp, 'one.torrent')), out, 60_000)
    expect(aria.code, aria.output).toBe(0)
    expect(Buffer.compare(await readFile(join(out, `${one.slug}.mp3`)), await readFile(fixture('episode.mp3')))).toBe(0)
    // Checked once at start, re-added from fast resume, never again (serve --json prints no
    // 'stats' lines, so there the seeding events alone say it).
    expect(proc.lines.filter(line => line.event === 'seeding').map(line => line.hashedPieces)).toEqual([first.pieces, 0])
    if (name === 'seed <show>') expect(await seeder.hashedNow()).toBe(first.pieces)

    proc.child.kill('SIGTERM')
    expect((await within(proc.exited, 15_000, 'seeder stop')).code).toBe(0)
  }, 180_000)
})
