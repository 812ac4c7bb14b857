import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { runProcess } from './cli.js'
import { freePort } from './ports.js'

/**
 * libtorrent 2.0 (Debian's python3-libtorrent, installed by .ci/run) as the oracle for
 * how real clients read a .torrent. Debian's module lives in the system Python, so the
 * system interpreter is named explicitly: a `python3` first on PATH may be another
 * installation without it.
 */
export const SYSTEM_PYTHON = '/usr/bin/python3'

export interface OracleFile {
  /** libtorrent's path for the file (its sanitised name), `/`-separated. */
  path: string
  size: number
  offset: number
  pad: boolean
  symlink: boolean
  /** For a symlink, the path it points at (its own path when libtorrent judged it unsafe). */
  target: string | null
}

export type OracleTorrent =
  | { error: string }
  | { error?: undefined, name: string, infoHash: string, hasV1: boolean, hasV2: boolean, files: OracleFile[] }

const READ_SCRIPT = `
import sys, json, base64, libtorrent as lt
out = []
for encoded in json.load(sys.stdin):
    try:
        ti = lt.torrent_info(base64.b64decode(encoded))
    except Exception as e:
        out.append({'error': str(e)})
        continue
    fs = ti.files()
    files = []
    for i in range(fs.num_files()):
        flags = fs.file_flags(i)
        symlink = bool(flags & lt.file_storage.flag_symlink)
        files.append({'path': fs.file_path(i), 'size': fs.file_size(i), 'offset': fs.file_offset(i),
                      'pad': bool(flags & lt.file_storage.flag_pad_file), 'symlink': symlink,
                      'target': fs.symlink(i) if symlink else None})
    hashes = ti.info_hashes()
    out.append({'name': ti.name(), 'infoHash': str(hashes.v1) if hashes.has_v1() else '', 'hasV1': hashes.has_v1(), 'hasV2': hashes.has_v2(), 'files': files})
json.dump(out, sys.stdout)
`

/** How libtorrent reads each torrent (one Python process for all of them). */
export async function libtorrentRead (torrents: Uint8Array[]): Promise<OracleTorrent[]> {
  const input = JSON.stringify(torrents.map(bytes => Buffer.from(bytes).toString('base64')))
  const result = await runProcess(SYSTEM_PYTHON, ['-c', READ_SCRIPT], { input, timeoutMs: 30_000 })
  if (result.code !== 0) throw new Error(`libtorrent oracle failed (${result.code}): ${result.stderr}`)
  return JSON.parse(result.stdout) as OracleTorrent[]
}

const CREATE_SCRIPT = `
import sys, json, base64, libtorrent as lt
args = json.load(sys.stdin)
fs = lt.file_storage()
lt.add_files(fs, args['path'])
flags = {'hybrid': 0, 'v2': lt.create_torrent.v2_only, 'v1': lt.create_torrent.v1_only}[args['kind']]
ct = lt.create_torrent(fs, args['pieceLength'], flags=flags)
lt.set_piece_hashes(ct, args['parent'])
sys.stdout.write(base64.b64encode(lt.bencode(ct.generate())).decode())
`

/**
 * Makes a .torrent of `path` (a file or folder inside `parent`) with libtorrent: `hybrid`
 * (libtorrent 2.0's default: v1 + v2, every file padded to a piece boundary with BEP 47
 * pad files), `v2` only, or `v1` only.
 */
export async function libtorrentCreate (parent: string, path: string, kind: 'hybrid' | 'v2' | 'v1', pieceLength = 16384): Promise<Buffer> {
  const input = JSON.stringify({ parent, path, kind, pieceLength })
  const result = await runProcess(SYSTEM_PYTHON, ['-c', CREATE_SCRIPT], { input, timeoutMs: 30_000 })
  if (result.code !== 0) throw new Error(`libtorrent create failed (${result.code}): ${result.stderr}`)
  return Buffer.from(result.stdout, 'base64')
}

const SEED_SCRIPT = `
import sys, time, json, libtorrent as lt
torrent, save_path, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
session = lt.session({'listen_interfaces': '127.0.0.1:%d' % port, 'enable_dht': False, 'enable_lsd': False,
  'enable_upnp': False, 'enable_natpmp': False, 'enable_incoming_utp': False, 'enable_outgoing_utp': False,
  'allow_multiple_connections_per_ip': True, 'alert_mask': 0})
handle = session.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': save_path})
deadline = time.time() + 60
while time.time() < deadline:
    status = handle.status()
    if status.is_seeding:
        print(json.dumps({'ready': True, 'port': session.listen_port()}), flush=True)
        break
    if status.errc.value() != 0:
        print(json.dumps({'error': status.errc.message()}), flush=True)
        sys.exit(1)
    time.sleep(0.05)
else:
    print(json.dumps({'error': 'not seeding within 60 s: progress %s' % handle.status().progress}), flush=True)
    sys.exit(1)
sys.stdin.read()  # seeds until the test closes stdin
`

export interface LibtorrentSeeder { port: number, stop: () => Promise<void> }

/**
 * A long-running libtorrent script: its stderr kept for error messages, and stop(), which
 * closes its stdin (the scripts' signal to end) and kills it if it has not ended in 5 s.
 */
function spawnLibtorrent (script: string, args: string[]) {
  const child = spawn(SYSTEM_PYTHON, ['-c', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.stdin.end()
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
  return { child, stderr: () => stderr, stop }
}

/**
 * libtorrent seeding `torrentPath` from `savePath` on 127.0.0.1:`port` (no DHT, LSD,
 * UPnP), after checking that the data is complete where libtorrent expects it. It
 * announces to the torrent's trackers; it stops when stop() closes its stdin.
 */
export async function startLibtorrentSeeder (torrentPath: string, savePath: string, port: number): Promise<LibtorrentSeeder> {
  const { child, stderr, stop } = spawnLibtorrent(SEED_SCRIPT, [torrentPath, savePath, String(port)])
  const lines = createInterface({ input: child.stdout })
  const timer = setTimeout(() => child.kill('SIGKILL'), 70_000)
  try {
    for await (const line of lines) {
      const message = JSON.parse(line) as { ready?: boolean, port?: number, error?: string }
      if (message.error !== undefined) throw new Error(`libtorrent seeder: ${message.error}`)
      if (message.ready) return { port: message.port!, stop }
    }
    throw new Error(`libtorrent seeder exited: ${stderr()}`)
  } catch (error) {
    await stop()
    throw error
  } finally {
    clearTimeout(timer)
  }
}

const CHECK_SCRIPT = `
import sys, json, time, libtorrent as lt
session = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False,
  'enable_upnp': False, 'enable_natpmp': False, 'alert_mask': lt.alert.category_t.status_notification})
handle = session.add_torrent({'ti': lt.torrent_info(sys.argv[1]), 'save_path': sys.argv[2], 'flags': lt.torrent_flags.upload_mode})
deadline = time.time() + 60
checked = False
while not checked and time.time() < deadline:
    session.wait_for_alert(1000)
    checked = any(isinstance(alert, lt.torrent_checked_alert) for alert in session.pop_alerts())
status = handle.status()
print(json.dumps({'checked': checked, 'progress': status.progress, 'pieces': sum(1 for have in status.pieces if have), 'total': len(status.pieces)}))
`

/** Has libtorrent check the data of `torrentPath` below `savePath`: how many pieces it finds. */
export async function libtorrentCheck (torrentPath: string, savePath: string): Promise<{ checked: boolean, progress: number, pieces: number, total: number }> {
  const result = await runProcess(SYSTEM_PYTHON, ['-c', CHECK_SCRIPT, torrentPath, savePath], { timeoutMs: 70_000 })
  if (result.code !== 0) throw new Error(`libtorrent check failed (${result.code}): ${result.stderr}`)
  return JSON.parse(result.stdout) as { checked: boolean, progress: number, pieces: number, total: number }
}

const DOWNLOAD_SCRIPT = `
import sys, time, json, libtorrent as lt
torrent, save_path, peer_port = sys.argv[1], sys.argv[2], int(sys.argv[3])
session = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False,
  'enable_upnp': False, 'enable_natpmp': False, 'enable_incoming_utp': False, 'enable_outgoing_utp': False,
  'allow_multiple_connections_per_ip': True, 'alert_mask': 0})
handle = session.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': save_path})
deadline = time.time() + 60
dialled = 0
while time.time() < deadline:
    status = handle.status()
    if status.is_seeding:
        print(json.dumps({'done': True, 'downloaded': status.total_payload_download, 'pieces': sum(1 for have in status.pieces if have)}), flush=True)
        sys.exit(0)
    if status.errc.value() != 0:
        print(json.dumps({'error': status.errc.message()}), flush=True)
        sys.exit(1)
    # The seeder is also found through the torrent's tracker; dialling it saves an announce round.
    if status.num_peers == 0 and time.time() - dialled > 1:
        handle.connect_peer(('127.0.0.1', peer_port))
        dialled = time.time()
    time.sleep(0.05)
print(json.dumps({'error': 'not complete within 60 s: progress %s' % handle.status().progress}), flush=True)
sys.exit(1)
`

/**
 * libtorrent as a leecher: downloads `torrentPath` into `savePath` from the peer on
 * 127.0.0.1:`peerPort` (and whatever the torrent's tracker names), TCP only, no DHT,
 * LSD or UPnP. Resolves once it has every piece, with the payload bytes it received.
 */
export async function libtorrentDownload (torrentPath: string, savePath: string, peerPort: number): Promise<{ downloaded: number, pieces: number }> {
  const result = await runProcess(SYSTEM_PYTHON, ['-c', DOWNLOAD_SCRIPT, torrentPath, savePath, String(peerPort)], { timeoutMs: 70_000 })
  const last = result.stdout.trim().split('\n').at(-1) ?? ''
  const message = (last.startsWith('{') ? JSON.parse(last) : {}) as { done?: boolean, downloaded?: number, pieces?: number, error?: string }
  if (result.code !== 0 || !message.done) throw new Error(`libtorrent leecher failed (${result.code}): ${message.error ?? ''} ${result.stderr}`)
  return { downloaded: message.downloaded!, pieces: message.pieces! }
}

/**
 * Writes a torrent into `dir` (`odd.torrent`) and its data below `dir/seed` where libtorrent
 * itself looks for it: every file at libtorrent's (sanitised) path, nothing for pad files
 * and symlinks. Returns libtorrent's reading, the oracle the tests compare seedcast with.
 */
export async function layOutForLibtorrent (dir: string, torrent: Uint8Array, data: Uint8Array[]): Promise<{ torrentPath: string, seedDir: string, oracle: { name: string, files: OracleFile[] } }> {
  const torrentPath = join(dir, 'odd.torrent')
  await writeFile(torrentPath, torrent)
  const [read] = await libtorrentRead([torrent])
  if (read!.error !== undefined) throw new Error(read!.error)
  const seedDir = join(dir, 'seed')
  for (const [index, file] of read!.files.entries()) {
    if (file.pad || file.symlink) continue
    await mkdir(dirname(join(seedDir, file.path)), { recursive: true })
    await writeFile(join(seedDir, file.path), data[index]!)
  }
  return { torrentPath, seedDir, oracle: read! }
}

/*
 * A libtorrent that talks uTP listens on a port from freePort(), never on
 * port 0. Given port 0, libtorrent takes TCP on the port the kernel gives and uTP on the same
 * number, and when another process's UDP socket holds that number it takes uTP on the next
 * one: its uTP connections then come from a port other than the one it reports (listen_port()
 * is the TCP one), and tests matching connections by that port wait for one that never comes.
 * Seen with libtorrent 2.0.8 in a namespace whose ephemeral range was 40000-40001, UDP held on
 * 40001: "listening on [TCP] 127.0.0.1:40001", "listening on [uTP] 127.0.0.1:40002".
 */

const LEECH_SCRIPT = `
import sys, json, libtorrent as lt
torrent, save_path, peer_port, transport, limit, listen = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6]
utp = transport == 'utp'
session = lt.session({'listen_interfaces': listen, 'enable_dht': False, 'enable_lsd': False,
  'enable_upnp': False, 'enable_natpmp': False, 'enable_incoming_tcp': not utp, 'enable_outgoing_tcp': not utp,
  'enable_incoming_utp': utp, 'enable_outgoing_utp': utp, 'alert_mask': 0})
handle = session.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': save_path})
handle.set_download_limit(limit)
handle.connect_peer(('127.0.0.1', peer_port))
print(json.dumps({'port': session.listen_port()}), flush=True)
for line in sys.stdin:  # 'leave' removes the torrent (its peers get a close); end of input ends the process
    if line.strip() == 'leave':
        session.remove_torrent(handle)
        print(json.dumps({'left': True}), flush=True)
`

export interface LibtorrentLeecher {
  port: number
  /** Removes the torrent from the session, as a user does: libtorrent closes its connections. */
  leave: () => void
  stop: () => Promise<void>
}

/**
 * libtorrent leeching `torrentPath` into `savePath` over `transport` only (TCP or uTP),
 * at most `downloadLimit` bytes per second (so it stays connected while a test looks),
 * dialling the peer on 127.0.0.1:`peerPort` and announcing to the torrent's trackers; no
 * DHT, LSD or UPnP; it listens on 127.0.0.1 (on a port of freePort's: see the note above LEECH_SCRIPT)
 * and runs until stop() closes its stdin.
 */
export async function startLibtorrentLeecher (torrentPath: string, savePath: string, peerPort: number, options: { transport: 'tcp' | 'utp', downloadLimit: number }): Promise<LibtorrentLeecher> {
  const args = [torrentPath, savePath, String(peerPort), options.transport, String(options.downloadLimit), `127.0.0.1:${await freePort()}`]
  const { child, stderr, stop } = spawnLibtorrent(LEECH_SCRIPT, args)
  const leave = () => { child.stdin.write('leave\n') }
  const lines = createInterface({ input: child.stdout })
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  try {
    for await (const line of lines) return { port: (JSON.parse(line) as { port: number }).port, leave, stop }
    throw new Error(`libtorrent leecher exited: ${stderr()}`)
  } catch (error) {
    await stop()
    throw error
  } finally {
    clearTimeout(timer)
  }
}

const DIALLER_SCRIPT = `
import sys, json, time, threading, queue, libtorrent as lt
config = json.loads(sys.argv[1])
utp = config['transport'] == 'utp'
session = lt.session({'listen_interfaces': config['listen'], 'enable_dht': False, 'enable_lsd': False,
  'enable_upnp': False, 'enable_natpmp': False, 'enable_incoming_tcp': not utp, 'enable_outgoing_tcp': not utp,
  'enable_incoming_utp': utp, 'enable_outgoing_utp': utp,
  'alert_mask': lt.alert.category_t.connect_notification | lt.alert.category_t.peer_notification})
handles = []
for torrent, save_path in config['torrents']:
    handle = session.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': save_path})
    handle.set_download_limit(config['limit'])
    handles.append(handle)
# Until the auto manager starts a torrent (about 0.5 s), libtorrent rejects incoming
# connections ("no active torrents") and holds its own dials.
deadline = time.time() + 20
while any(h.status().paused or h.status().state != lt.torrent_status.downloading for h in handles):
    if time.time() > deadline:
        sys.exit('torrents not started within 20 s')
    time.sleep(0.02)
commands = queue.Queue()
def read():
    for line in sys.stdin:
        commands.put(line.split())
    commands.put(None)
threading.Thread(target=read, daemon=True).start()
closed = []
print(json.dumps({'port': session.listen_port()}), flush=True)
while True:
    for alert in session.pop_alerts():
        if isinstance(alert, lt.peer_disconnected_alert):
            closed.append(alert.error.message())
    try:
        command = commands.get(timeout=0.02)
    except queue.Empty:
        continue
    if command is None:
        break
    if command[0] == 'dial':
        for handle in handles:
            handle.connect_peer((command[1], int(command[2])))
        # connect_peer only queues the address: libtorrent dials on its next tick (up to 1 s).
        deadline = time.time() + 5
        while time.time() < deadline and not all(any(peer.flags & lt.peer_info.local_connection for peer in h.get_peer_info()) for h in handles):
            time.sleep(0.005)
        print(json.dumps({'dialled': True}), flush=True)
    elif command[0] == 'remove':
        session.remove_torrent(handles[int(command[1])])
        print(json.dumps({'removed': True}), flush=True)
    elif command[0] == 'status':
        handle = handles[int(command[1])]
        status = handle.status()
        peers = [{'ip': '%s:%d' % peer.ip, 'outgoing': bool(peer.flags & lt.peer_info.local_connection),
                  'connecting': bool(peer.flags & lt.peer_info.connecting), 'handshake': bool(peer.flags & lt.peer_info.handshake)}
                 for peer in handle.get_peer_info()]
        print(json.dumps({'peers': peers, 'downloaded': status.total_wanted_done, 'wanted': status.total_wanted,
                          'seeding': status.is_seeding, 'closed': closed}), flush=True)
`

export interface LibtorrentPeerStatus {
  /** libtorrent's connections: remote "ip:port", opened by libtorrent or not, still connecting or handshaking. */
  peers: Array<{ ip: string, outgoing: boolean, connecting: boolean, handshake: boolean }>
  downloaded: number
  wanted: number
  seeding: boolean
  /** Why libtorrent closed each connection it closed (its error messages, e.g. "duplicate peer-id"). */
  closed: string[]
}

export interface LibtorrentDialler {
  port: number
  /** Has libtorrent dial host:port for every torrent (connect_peer); resolves once its connections are on their way (at most 5 s). */
  dial: (host: string, port: number) => Promise<void>
  /** libtorrent's connections and progress for torrent `index` (default the first). */
  status: (index?: number) => Promise<LibtorrentPeerStatus>
  /** Removes torrent `index` from the session, as a user does: libtorrent closes its connections. */
  remove: (index: number) => Promise<void>
  stop: () => Promise<void>
}

/**
 * libtorrent with its default settings (one connection per IP) leeching `torrents` (each a
 * .torrent and the folder to save into) over `transport` only, each at most
 * `downloadLimit` bytes a second, listening on `listen` (libtorrent's listen_interfaces,
 * default 127.0.0.1 on a port of freePort's: see the note above LEECH_SCRIPT) and dialling nobody until
 * dial() says so.
 */
export async function startLibtorrentDialler (torrents: Array<{ torrentPath: string, savePath: string }>, options: { transport: 'tcp' | 'utp', downloadLimit: number, listen?: string }): Promise<LibtorrentDialler> {
  const config = { torrents: torrents.map(t => [t.torrentPath, t.savePath]), transport: options.transport, limit: options.downloadLimit, listen: options.listen ?? `127.0.0.1:${await freePort()}` }
  const { child, stderr, stop } = spawnLibtorrent(DIALLER_SCRIPT, [JSON.stringify(config)])
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const next = async (what: string): Promise<any> => {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`libtorrent ${what}: no answer within 20 s ${stderr()}`)), 20_000) })
    try {
      const line = await Promise.race([lines.next(), timeout])
      if (line.done) throw new Error(`libtorrent exited: ${stderr()}`)
      return JSON.parse(line.value)
    } finally {
      clearTimeout(timer)
    }
  }
  try {
    const { port } = await next('start') as { port: number }
    // One command at a time: each answers with one line.
    let asking = Promise.resolve() as Promise<unknown>
    const ask = <T>(command: string): Promise<T> => {
      const answer = asking.then(() => { child.stdin.write(`${command}\n`); return next(command) as Promise<T> })
      asking = answer.catch(() => undefined)
      return answer
    }
    return {
      port,
      dial: async (host, peerPort) => { await ask(`dial ${host} ${peerPort}`) },
      status: (index = 0) => ask<LibtorrentPeerStatus>(`status ${index}`),
      remove: async index => { await ask(`remove ${index}`) },
      stop
    }
  } catch (error) {
    await stop()
    throw error
  }
}
