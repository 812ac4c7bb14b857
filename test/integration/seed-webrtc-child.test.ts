// The seed box runs its WebRTC peers in a child process, so that a crash of the native
// WebRTC module (SIGSEGV in RTCDataChannel::Send when a remote peer closes during an
// upload, issue 10) costs only the WebRTC peers. Here `serve --seed` serves a show whose
// torrents name its own ws:// tracker; its WebRTC child is killed with SIGSEGV while a
// WebRTC leecher downloads. The parent must live on: same feed bytes over HTTP, an aria2c
// TCP leecher served, one warning line, the child restarted, and a new WebRTC leecher
// served the whole episode; killed again at once, it comes back after twice the delay.
// The parent never maps the native module; a parent killed
// outright takes its child with it.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { initShow } from '../../src/show/init.js'
import { publish } from '../../src/show/publish.js'
import type { SeederStatus } from '../../src/swarm/status-file.js'
import { aria2Download } from '../helpers/aria2.js'
import { binPath, repoRoot } from '../helpers/cli.js'
import { waitForLines, within, type JsonProcess } from '../helpers/json-process.js'
import { freePort } from '../helpers/ports.js'
import { tempDir } from '../helpers/tmp.js'
import { startWebRtcLeecher } from '../helpers/webrtc-leecher.js'
import { fixture, rawRequest } from './serve-helpers.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

interface Box { child: ChildProcess, stderr: () => string, exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>, port: number, state: string }

/** `seedcast serve <show> --seed` in plain-text mode (its lines on stderr), peers on loopback only. */
function startBox (show: string, port: number, state: string): Box {
  const child = spawn(process.execPath, [binPath, 'serve', show, '--seed', '--port', String(port), '--host', '127.0.0.1', '--no-dht', '--ice-server', 'none', '--state', state],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => child.on('close', (code, signal) => resolve({ code, signal })))
  cleanups.push(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  return { child, stderr: () => stderr, exited, port, state }
}

/** The box as a JsonProcess for waitForLines' "fail at once when it dies". */
function asAlive (box: Box): JsonProcess {
  return { child: box.child, lines: [], stderr: box.stderr, exited: box.exited, kill: () => {} }
}

async function status (box: Box): Promise<SeederStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(box.state, 'status', `${box.child.pid}.json`), 'utf8')) as SeederStatus
  } catch {
    return undefined
  }
}

/** Polls the box's status file (rewritten every second) until `ready` holds; at most `ms`. */
async function statusWhen (box: Box, what: string, ms: number, ready: (status: SeederStatus) => boolean): Promise<SeederStatus> {
  let last: SeederStatus | undefined
  await waitForLinesAsync(what, ms, async () => { last = await status(box); return last !== undefined && ready(last) }, box)
  return last!
}

async function waitForLinesAsync (what: string, ms: number, test: () => Promise<boolean>, box: Box): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    if (box.child.exitCode !== null || box.child.signalCode !== null) throw new Error(`${what}: the seed box died (${box.child.signalCode ?? box.child.exitCode}): ${box.stderr()}`)
    if (await test()) return
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** Whether `pid` runs (a zombie, dead but not yet reaped by whoever adopted it, does not). */
async function running (pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  return stat !== '' && !/^\d+ \(.*\) Z /.test(stat)
}

/** Whether process `pid` has the native WebRTC module (@roamhq/wrtc's wrtc.node) mapped. */
async function mapsWrtc (pid: number): Promise<boolean> {
  return (await readFile(`/proc/${pid}/maps`, 'utf8')).includes('wrtc.node')
}

async function makeShow (): Promise<{ dir: string, show: string, port: number, media: Buffer, mediaName: string, infoHash: string, mediaPath: string }> {
  const tmp = await tempDir('seedcast-webrtc-child-')
  cleanups.push(tmp.cleanup)
  const port = await freePort()
  const show = join(tmp.path, 'show')
  await initShow(show, {
    title: 'Child Show', description: 'WebRTC in a child', author: 'Tester', ownerName: 'Tester', ownerEmail: 'tester@example.org',
    language: 'en', category: 'Technology', baseUrl: `http://127.0.0.1:${port}/`, image: fixture('cover.jpg'), trackers: ['self']
  })
  const { episode } = await publish(show, fixture('episode.mp3'), { date: '2026-11-01T09:00:00Z' })
  return { dir: tmp.path, show, port, media: await readFile(fixture('episode.mp3')), mediaName: basename(episode.mediaPath), infoHash: episode.infoHash, mediaPath: episode.mediaPath }
}

describe('WebRTC seeding in a child process', () => {
  it('a SIGSEGV of the WebRTC child costs only the WebRTC peers: the seed box serves HTTP and TCP on, warns once and restarts it', async () => {
    const { dir, show, port, media, mediaName, infoHash } = await makeShow()
    const box = startBox(show, port, join(dir, 'state'))
    const first = await statusWhen(box, 'the seed box seeding with its WebRTC child', 30_000, s => s.torrents.length === 1 && s.webrtc?.pid !== undefined)
    const childPid = first.webrtc!.pid!
    expect(first.webrtc!.restarts).toBe(0)
    const rss = await rawRequest(port, '/rss.xml')
    expect(rss.status).toBe(200)

    // A WebRTC leecher that knows only the ws:// tracker (no web seed, no TCP source), throttled
    // so that it is still downloading when the child dies.
    const wsTracker = `ws://127.0.0.1:${port}/announce`
    const magnet = `magnet:?xt=urn:btih:${infoHash}&tr=${encodeURIComponent(wsTracker)}`
    const slowDir = join(dir, 'slow')
    const slow = startWebRtcLeecher(magnet, slowDir, 16 * 1024)
    cleanups.push(slow.kill)
    await waitForLines('the slow WebRTC leecher downloading', 40_000, () => slow.lines.some(line => line.event === 'downloading'), [slow, asAlive(box)])
    expect(slow.lines.filter(line => line.event === 'wire').map(line => line.type)).toEqual(['webrtc'])
    // The WebRTC peer shows in the parent's status (what `peers` reads) and /metrics.
    const withPeer = await statusWhen(box, 'the WebRTC peer in the status file', 10_000, s => s.torrents[0]!.peersByTransport.webrtc === 1)
    expect(withPeer.torrents[0]!.peerList.map(peer => peer.transport)).toEqual(['webrtc'])
    expect((await rawRequest(port, '/metrics')).body.toString()).toMatch(/^seedcast_peers\{episode="[^"]+",transport="webrtc"\} 1$/m)
    // Only the child has the native WebRTC module mapped.
    expect(await mapsWrtc(childPid)).toBe(true)
    expect(await mapsWrtc(box.child.pid!)).toBe(false)

    process.kill(childPid, 'SIGSEGV')
    const restarted = await statusWhen(box, 'the WebRTC child restarted', 20_000, s => s.webrtc?.pid !== undefined && s.webrtc.pid !== childPid)
    expect(restarted.webrtc!.restarts).toBe(1)
    expect(await running(childPid)).toBe(false)
    expect(box.child.exitCode).toBeNull()
    expect(box.child.signalCode).toBeNull()
    const warnings = box.stderr().split('\n').filter(line => line.includes('warning'))
    expect(warnings).toEqual(['seedcast: warning: WebRTC seeding stopped (SIGSEGV); restarting in 1 s'])
    // Dying again soon after: the delay doubles.
    const secondPid = restarted.webrtc!.pid!
    process.kill(secondPid, 'SIGKILL')
    const third = await statusWhen(box, 'the WebRTC child restarted again', 20_000, s => s.webrtc?.pid !== undefined && s.webrtc.pid !== secondPid)
    expect(third.webrtc!.restarts).toBe(2)
    expect(box.stderr().split('\n').filter(line => line.includes('warning'))).toEqual([
      'seedcast: warning: WebRTC seeding stopped (SIGSEGV); restarting in 1 s',
      'seedcast: warning: WebRTC seeding stopped (SIGKILL); restarting in 2 s'
    ])
    slow.child.kill('SIGKILL')
    await within(slow.exited, 10_000, 'the slow leecher\'s exit')

    // HTTP and TCP peers never noticed.
    const again = await rawRequest(port, '/rss.xml')
    expect(again.status).toBe(200)
    expect(Buffer.compare(again.body, rss.body)).toBe(0)
    const tcpOut = join(dir, 'aria2')
    const aria = await aria2Download(`magnet:?xt=urn:btih:${infoHash}&tr=${encodeURIComponent(`http://127.0.0.1:${port}/announce`)}`, tcpOut, 60_000)
    expect(aria.code, aria.output).toBe(0)
    expect(Buffer.compare(await readFile(join(tcpOut, mediaName)), media)).toBe(0)

    // The new child seeds: a fresh WebRTC leecher gets the whole episode from it.
    const freshDir = join(dir, 'fresh')
    const fresh = startWebRtcLeecher(magnet, freshDir)
    cleanups.push(fresh.kill)
    await waitForLines('a fresh WebRTC leecher served by the restarted child', 40_000, () => fresh.lines.some(line => line.event === 'done'), [fresh, asAlive(box)])
    expect(new Set(fresh.lines.filter(line => line.event === 'wire').map(line => line.type))).toEqual(new Set(['webrtc']))
    expect(Buffer.compare(await readFile(join(freshDir, mediaName)), media)).toBe(0)
    expect(await mapsWrtc(box.child.pid!)).toBe(false)
    fresh.child.kill('SIGTERM')
    await within(fresh.exited, 10_000, 'the fresh leecher\'s exit')

    // A clean stop takes the child with it.
    const lastChild = (await status(box))!.webrtc!.pid!
    box.child.kill('SIGTERM')
    expect(await within(box.exited, 20_000, 'the seed box\'s stop')).toEqual({ code: 0, signal: null })
    expect(await running(lastChild)).toBe(false)
    expect(box.stderr().split('\n').filter(line => line.includes('warning'))).toHaveLength(2)
  }, 180_000)

  it('a seed box killed outright leaves no WebRTC child behind', async () => {
    const { dir, show, port } = await makeShow()
    const box = startBox(show, port, join(dir, 'state'))
    const { webrtc } = await statusWhen(box, 'the WebRTC child running', 30_000, s => s.webrtc?.pid !== undefined)
    const childPid = webrtc!.pid!
    expect(await running(childPid)).toBe(true)
    box.child.kill('SIGKILL')
    await within(box.exited, 10_000, 'the seed box\'s death')
    const deadline = Date.now() + 10_000
    while (await running(childPid) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50))
    expect(await running(childPid)).toBe(false)
  }, 60_000)
})
