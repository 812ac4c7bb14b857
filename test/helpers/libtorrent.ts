import { runProcess } from './cli.js'

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
