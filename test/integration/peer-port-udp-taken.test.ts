// A random peer port whose UDP number another program holds. WebTorrent opens TCP on any
// free port, then uTP (UDP) on the same number: when that UDP port was taken (a DHT node,
// a tracker, another client), `seed` and `serve --seed` used to stop with "not seeding:
// cannot listen for peers: address already in use" (seen once in CI). Made certain here in
// a network namespace of the test's own whose ephemeral range is two ports, 40000-40001:
// a probe asks the kernel which port bind(0) gives first (Linux prefers one parity for
// bind(0), odd on recent kernels), and UDP on that port is held. TCP then gets that port
// and its UDP twin is taken: the seeder must move on to the other one, uTP included.
import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTorrent } from '../../src/torrent/create.js'
import { binPath, runProcess } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { fixtureMp3 } from './get-helpers.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0)) await cleanup() })

/**
 * Holds UDP on port $HELD, or without it on the port the kernel gives a TCP bind(0) first;
 * prints it, then runs the rest of its arguments (a node command) and exits with its status.
 */
const HOLD_UDP_THEN_RUN = `
function holdThenRun (port) {
  require('node:dgram').createSocket('udp4').bind(port, () => {
    process.stdout.write(JSON.stringify({ held: port }) + '\\n')
    const run = require('node:child_process').spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit' })
    process.exit(run.status ?? 1)
  })
}
if (process.env.HELD) holdThenRun(Number(process.env.HELD))
else {
  const probe = require('node:net').createServer().listen(0, () => {
    const port = probe.address().port
    probe.close(() => holdThenRun(port))
  })
}`

/** `seedcast <args>` in a new loopback-only namespace with ephemeral ports 40000-40001, one of them taken for UDP. */
function seedcastWithUdpTaken (args: string[], held?: number) {
  const script = 'ip link set lo up && echo "40000 40001" > /proc/sys/net/ipv4/ip_local_port_range && exec "$@"'
  return runProcess('unshare', ['-n', 'sh', '-c', script, 'sh', process.execPath, '-e', HOLD_UDP_THEN_RUN, binPath, ...args], { env: held ? { HELD: String(held) } : {}, timeoutMs: 30_000 })
}

async function episode () {
  const tmp = await tempDir('seedcast-udp-taken-')
  cleanups.push(tmp.cleanup)
  const media = join(tmp.path, 'media')
  await mkdir(media)
  await copyFile(fixtureMp3, join(media, 'episode.mp3'))
  const { torrent } = await createTorrent(join(media, 'episode.mp3'), { pieceLength: 16384 })
  const torrentPath = join(tmp.path, 'episode.torrent')
  await writeFile(torrentPath, torrent)
  return { media, torrentPath, state: join(tmp.path, 'state') }
}

describe('a random peer port whose UDP twin is taken', () => {
  it('seed moves on to another port and listens there on TCP and uTP', async () => {
    const { media, torrentPath, state } = await episode()
    const run = await seedcastWithUdpTaken(['seed', torrentPath, '--data', media, '--no-dht', '--no-lsd', '--no-webrtc', '--state', state, '--duration', '1', '--json'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const [first, ...lines] = run.stdout.trim().split('\n').map(line => JSON.parse(line) as Record<string, any>)
    const held = first?.held
    expect([40000, 40001]).toContain(held)
    const started = lines.find(line => line.event === 'started')
    expect(started?.port).toBe(held === 40000 ? 40001 : 40000)
    expect(started?.peers.utp).toBe(true)
    expect(lines.find(line => line.event === 'seeding')?.name).toBe('episode.mp3')
    expect(lines.filter(line => line.event === 'warning')).toEqual([])
  })

  it('a chosen --port whose UDP number is taken is one line naming the flag, and exit 1', async () => {
    const { media, torrentPath, state } = await episode()
    const run = await seedcastWithUdpTaken(['seed', torrentPath, '--data', media, '--no-dht', '--no-lsd', '--no-webrtc', '--state', state, '--port', '40001'], 40001)
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('{"held":40001}\n')
    expect(run.stderr).toBe('seedcast: cannot listen for peers: address already in use (choose another --port)\n')
  })
})
