import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DOWNLOAD_INDEX } from '../../cli/bundled-deps.js'
import { modulesInBundle } from '../helpers/bundles.js'
import { runProcess, binPath, repoRoot } from '../helpers/cli.js'
import { tempDir, withTemp } from '../helpers/tmp.js'

// `seedcast get` imports the download and WebTorrent's patches from dist/download (built by
// scripts/download.vite.config.js), not as the 240 modules of webtorrent and its packages.
// These hold the build to the sources, and the CLI to loading the bundle and nothing get
// never runs (uTP, LSD, webtorrent's HTTP server and chunk store, undici without a fetch).

interface DownloadIndex { entries: Record<string, string>, external: string[], modules: Record<string, string> }

function readDownloadIndex (): DownloadIndex {
  const path = join(repoRoot, DOWNLOAD_INDEX)
  expect(existsSync(path), `${DOWNLOAD_INDEX} is missing: npm run build makes it`).toBe(true)
  return JSON.parse(readFileSync(path, 'utf8')) as DownloadIndex
}

const bundleFiles = () => readdirSync(join(repoRoot, 'dist/download'), { recursive: true }).map(String).filter(name => name.endsWith('.js'))

// Records every module the CLI loads and Node's own modules (undici is one), printed to stderr at exit.
const recorder = `data:text/javascript,${encodeURIComponent("import { registerHooks } from 'node:module'; const urls = []; registerHooks({ load (url, context, next) { urls.push(url); return next(url, context) } }); process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify({ urls, builtins: process.moduleLoadList }) + '\\n'))")}`

/** A .torrent of a small file with no tracker and no web seed: a get of it finds no peer. */
async function lonelyTorrent (dir: string): Promise<string> {
  // Bencoded by hand: one 16 KiB piece of zeros, no announce (nothing here to find peers with).
  const piece = createHash('sha1').update(Buffer.alloc(16384)).digest()
  const info = Buffer.concat([Buffer.from('d6:lengthi16384e4:name9:zeros.bin12:piece lengthi16384e6:pieces20:'), piece, Buffer.from('e')])
  const path = join(dir, 'lonely.torrent')
  await writeFile(path, Buffer.concat([Buffer.from('d4:info'), info, Buffer.from('e')]))
  return path
}

describe('the download bundle of `seedcast get`', () => {
  it('is built from the modules now in dist/, holding none of the modules the command loads itself', () => {
    const index = readDownloadIndex()
    expect(Object.keys(index.entries).sort()).toEqual(['download', 'internals'])
    for (const [path, sha1] of Object.entries(index.modules)) {
      const file = join(repoRoot, 'dist', path)
      expect(existsSync(file) && createHash('sha1').update(readFileSync(file)).digest('hex'), `dist/download holds an older dist/${path}: npm run build`).toBe(sha1)
    }
    // Every module rolldown marks in the bundle is listed (one whose code it merged into another's may be unmarked).
    const bundled = bundleFiles().flatMap(name => modulesInBundle(join(repoRoot, 'dist/download', name)))
    expect(bundled.filter(path => !Object.hasOwn(index.modules, path))).toEqual([])
    expect(bundled).toContain('src/swarm/download/run.js')
    expect(bundled.filter(path => index.external.includes(path))).toEqual([])
    for (const path of ['commands/get.js', 'src/errors.js', 'src/swarm/lean-imports.js', 'cli/download-view.js']) expect(index.external).toContain(path)
    const notAscii = bundleFiles().filter(name => readFileSync(join(repoRoot, 'dist/download', name)).some(byte => byte > 0x7f))
    expect(notAscii).toEqual([])
  })

  it('carries the licenses of the packages it holds (dist/ is in the published files)', () => {
    const licenses = readFileSync(join(repoRoot, 'dist/download/LICENSES.md'), 'utf8')
    const listed = new Set([...licenses.matchAll(/^## ((?:@[^/\s]+\/)?[^\s]+) - /gm)].map(match => match[1]!))
    const inBundle = new Set(bundleFiles().flatMap(name => [...readFileSync(join(repoRoot, 'dist/download', name), 'utf8').matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map(match => match[1]!)))
    expect(inBundle.size).toBeGreaterThan(20)
    expect([...inBundle].filter(name => !listed.has(name))).toEqual([])
    expect(licenses).toMatch(/^## webtorrent - \d+\.\d+\.\d+ \(MIT\)$/m)
  })

  for (const dht of [false, true]) {
    it(`is what get runs${dht ? ', with the DHT library loaded beside it' : ' with --no-dht'}, and nothing get never runs is loaded`, () => withTemp(tempDir(), async tmp => {
      const torrent = await lonelyTorrent(tmp.path)
      const result = await runProcess(process.execPath, ['--import', recorder, binPath, 'get', torrent, '-o', join(tmp.path, 'out'), '--timeout', '1', ...(dht ? [] : ['--no-dht'])], { cwd: tmp.path, timeoutMs: 60_000 })
      // The one-line error of a get that finds no peer, as without the bundle.
      expect(result.code, result.stderr).toBe(1)
      expect(result.stderr).toMatch(/^seedcast: no peers found for [0-9a-f]{40} within 1 s/m)
      const { urls, builtins } = JSON.parse(/\nLOADED (.*)\n/.exec(result.stderr)![1]!) as { urls: string[], builtins: string[] }
      const distUrl = pathToFileURL(join(repoRoot, 'dist') + '/').href
      const { entries } = readDownloadIndex()
      for (const file of Object.values(entries)) expect(urls).toContain(`${distUrl}download/${file}`)
      // webtorrent and its packages came from the bundle, none from node_modules: with --no-dht none
      // of the packages in the bundle; with the DHT on, the DHT library's packages (some are in
      // the bundle too: debug, bencode...) but not webtorrent's own.
      const packages = new Set(urls.filter(url => url.includes('/node_modules/')).map(url => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)![1]!))
      const inBundlePackages = new Set(bundleFiles().flatMap(name => [...readFileSync(join(repoRoot, 'dist/download', name), 'utf8').matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map(match => match[1]!)))
      expect(inBundlePackages).toContain('webtorrent')
      expect(inBundlePackages).toContain('bittorrent-protocol')
      const twice = [...packages].filter(name => inBundlePackages.has(name))
      if (dht) expect(twice.filter(name => /^(webtorrent|bittorrent-protocol|bittorrent-tracker|torrent-discovery|parse-torrent)$/.test(name))).toEqual([])
      else expect(twice).toEqual([])
      expect(packages.has('bittorrent-dht')).toBe(dht)
      // What a download never runs was loaded neither from the bundle nor beside it.
      expect([...packages].filter(name => LEFT_OUT.test(name))).toEqual([])
      expect([...inBundlePackages].filter(name => LEFT_OUT.test(name))).toEqual([])
      // No module of dist/ loaded both from its file and inside the bundle (two copies, two states).
      const plain = new Set(urls.filter(url => url.startsWith(distUrl)).map(url => url.slice(distUrl.length)))
      const inBundle = urls.filter(url => url.startsWith(distUrl + 'download/')).flatMap(url => modulesInBundle(fileURLToPath(url)))
      expect(inBundle.filter(path => plain.has(path))).toEqual([])
      // No fetch was made (no tracker, no web seed), so Node's fetch (undici) was never loaded.
      expect(builtins.filter(name => name.includes('undici'))).toEqual([])
    }), 90_000)
  }
})

/** Packages of what get never runs: uTP, webtorrent's chunk store and HTTP server, LSD, WebRTC, NAT traversal, the ws tracker socket. */
const LEFT_OUT = /^(utp-native|require-addon|fs-native-extensions|fs-chunk-store|random-access-file|escape-html|range-parser|bittorrent-lsd|@thaunknown\/simple-peer|@roamhq\/wrtc|webrtc-polyfill|@silentbot1\/nat-api|@thaunknown\/simple-websocket|ws|node-fetch|create-torrent)$/
