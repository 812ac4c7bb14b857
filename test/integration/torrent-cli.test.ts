import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inspectTorrent } from '../../src/torrent/inspect.js'
import { binPath, runCli, runCliJson, runProcess, type CliResult } from '../helpers/cli.js'
import { runInPty } from '../helpers/pty.js'
import { tempDir } from '../helpers/tmp.js'

let dir: Awaited<ReturnType<typeof tempDir>>
let show: string
beforeEach(async () => {
  dir = await tempDir()
  show = join(dir.path, 'my show')
  await mkdir(join(show, 'extras'), { recursive: true })
  await writeFile(join(show, 'ep1.mp3'), randomBytes(100_000))
  await writeFile(join(show, 'extras', 'ep2.mp3'), randomBytes(70_001))
  await writeFile(join(show, '.DS_Store'), 'junk')
})
afterEach(() => dir.cleanup())

/** One line `seedcast: …` on stderr, a failing exit code, nothing on stdout, no stack trace. */
function expectCleanError (result: CliResult, message: RegExp): void {
  expect(result.code, result.stderr).not.toBe(0)
  expect(result.code).not.toBe(70) // 70 = an unexpected error (a bug)
  expect(result.stdout).toBe('')
  const lines = result.stderr.trimEnd().split('\n')
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^seedcast: /)
  expect(lines[0]).toMatch(message)
  expect(result.stderr).not.toMatch(/\n\s+at /)
  // No terminal escape reaches the terminal, whatever the input quoted in the message.
  expect(result.stderr.includes('\u001b'), result.stderr).toBe(false)
}

describe('seedcast create', () => {
  it('makes a torrent with every flag and reports it as JSON', async () => {
    const output = join(dir.path, 'out.torrent')
    const { result, json } = await runCliJson(['create', show, '-o', output,
      '-a', 'http://a.example/announce,http://b.example/announce', '-a', 'udp://c.example:6969', '-w', 'https://cdn.example/my%20show/',
      '--private', '--comment', 'hello', '--source', 'src', '--name', 'Renamed', '--created-by', 'tester', '--piece-length', '32K'])
    expect(result.code, result.stderr).toBe(0)
    const info = inspectTorrent(output)
    expect(json).toEqual({
      path: output, infoHash: info.infoHash, magnet: info.magnet, name: 'Renamed', length: 170_001, pieceLength: 32768, pieceCount: 6,
      files: [{ path: 'Renamed/ep1.mp3', length: 100_000 }, { path: 'Renamed/extras/ep2.mp3', length: 70_001 }]
    })
    expect(info).toMatchObject({
      announce: [['http://a.example/announce', 'http://b.example/announce'], ['udp://c.example:6969']],
      webSeeds: ['https://cdn.example/my%20show/'], private: true, comment: 'hello', source: 'src', createdBy: 'tester'
    })
    expect(Math.abs(info.creationDate!.getTime() - Date.now())).toBeLessThan(120_000)
  })

  it('writes <name>.torrent in the current folder, prints infohash and magnet, and refuses to overwrite without --force', async () => {
    const first = await runCli(['create', show], { cwd: dir.path })
    expect(first.code, first.stderr).toBe(0)
    const info = inspectTorrent(join(dir.path, 'my show.torrent'))
    expect(first.stdout).toContain(`Created my show.torrent`)
    expect(first.stdout).toContain(`infohash:  ${info.infoHash}`)
    expect(first.stdout).toContain(`magnet:    ${info.magnet}`)
    expect(info.files.map(file => file.path)).toEqual(['my show/ep1.mp3', 'my show/extras/ep2.mp3'])

    expectCleanError(await runCli(['create', show], { cwd: dir.path }), /my show\.torrent already exists \(use --force to overwrite it\)/)
    const forced = await runCli(['create', show, '--force', '--include-junk'], { cwd: dir.path })
    expect(forced.code, forced.stderr).toBe(0)
    expect(inspectTorrent(join(dir.path, 'my show.torrent')).files.map(file => file.path)).toContain('my show/.DS_Store')
    expect((await readdir(dir.path)).sort()).toEqual(['my show', 'my show.torrent'])
  })

  it('--no-date gives the same bytes twice; piece lengths 2^15, 32K and 32768 are the same', async () => {
    const paths = ['a', 'b', 'c'].map(name => join(dir.path, `${name}.torrent`))
    const lengths = ['2^15', '32K', '32768']
    for (const [index, path] of paths.entries()) {
      const result = await runCli(['create', show, '--no-date', '--piece-length', lengths[index]!, '-o', path])
      expect(result.code, result.stderr).toBe(0)
    }
    const [a, b, c] = await Promise.all(paths.map(path => readFile(path)))
    expect(a!.equals(b!)).toBe(true)
    expect(a!.equals(c!)).toBe(true)
    expect(a!.includes('creation date')).toBe(false)
  })

  it('refuses a bad piece length and a bad tracker URL', async () => {
    expectCleanError(await runCli(['create', show, '--piece-length', '3K']), /piece length 3K is not a power of two/)
    expectCleanError(await runCli(['create', show, '-a', 'nonsense']), /invalid tracker URL "nonsense"/)
  })

  it('shows a progress bar on a terminal only, and never with --json', async () => {
    const media = join(dir.path, 'long.bin')
    await writeFile(media, randomBytes(24 * 1024 * 1024))
    // util-linux `script` runs the CLI on a pseudo-terminal.
    const onTerminal = async (args: string[]) => {
      const command = [process.execPath, binPath, ...args].map(arg => `'${arg.replaceAll("'", "'\\''")}'`).join(' ')
      const result = await runProcess('script', ['-qec', command, '/dev/null'])
      expect(result.code, result.stdout).toBe(0)
      return result.stdout
    }
    const shown = await onTerminal(['create', media, '-o', join(dir.path, 'a.torrent')])
    expect(shown).toMatch(/Hashing \[[█░]+\] 100% \| 24\.0\/24\.0 MiB/)
    expect(shown).toContain('Created ')
    const json = await onTerminal(['create', media, '-o', join(dir.path, 'b.torrent'), '--json'])
    expect(json).not.toContain('Hashing')
    const piped = await runCli(['create', media, '-o', join(dir.path, 'c.torrent')])
    expect(piped.stderr).toBe('')
  })

  it('an interrupted create leaves no .torrent and no temp file', async () => {
    const big = join(dir.path, 'big.bin')
    await writeFile(big, '')
    await truncate(big, 16 * 1024 ** 3) // sparse 16 GiB: seconds of hashing, no disk used
    const child = spawn(process.execPath, [binPath, 'create', big, '-o', join(dir.path, 'big.torrent')], { stdio: 'ignore' })
    const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => child.on('exit', (code, signal) => resolve({ code, signal })))
    // Interrupt mid-hash: once the process has read 256 MiB (Linux /proc/<pid>/io counts read() bytes).
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline && await bytesRead(child.pid!) < 256 * 1024 ** 2) await new Promise(resolve => setTimeout(resolve, 20))
    expect(await bytesRead(child.pid!)).toBeGreaterThanOrEqual(256 * 1024 ** 2)
    child.kill('SIGINT')
    const { code, signal } = await exited
    expect(signal ?? code).toBeTruthy() // stopped by the signal, not finished
    expect(signal === 'SIGINT' || (code !== null && code !== 0)).toBe(true)
    expect((await readdir(dir.path)).sort()).toEqual(['big.bin', 'my show'])
  })
})

describe('seedcast info and magnet', () => {
  it('shows a torrent as a table and as JSON, and builds magnets with xs', async () => {
    const path = join(dir.path, 'show.torrent')
    expect((await runCli(['create', show, '-o', path, '-a', 'udp://t.example:1', '-w', 'https://cdn.example/', '--comment', 'note'])).code).toBe(0)
    const expected = inspectTorrent(path)
    const table = await runCli(['info', path])
    expect(table.code, table.stderr).toBe(0)
    for (const line of [`name:        my show`, `infohash:    ${expected.infoHash}`, 'size:        166.0 KiB (170001 bytes)',
      'pieces:      11 × 16 KiB', 'private:     no', 'tier 1:      udp://t.example:1', 'web seed:    https://cdn.example/',
      'comment:     note', 'files (2):', '97.7 KiB  my show/ep1.mp3', '68.4 KiB  my show/extras/ep2.mp3']) {
      expect(table.stdout).toContain(line)
    }
    const { json } = await runCliJson(['info', path])
    expect(json).toEqual(JSON.parse(JSON.stringify(expected)))

    const magnet = await runCli(['magnet', path, '--torrent-url', 'https://example.com/t/show.torrent'])
    expect(magnet.stdout.trim()).toBe(`${expected.magnet}&xs=${encodeURIComponent('https://example.com/t/show.torrent')}`)
    const fromMagnet = await runCliJson(['info', magnet.stdout.trim()])
    expect(fromMagnet.json).toMatchObject({ kind: 'magnet', infoHash: expected.infoHash, name: 'my show', length: 170001, torrentUrl: 'https://example.com/t/show.torrent' })
  })
})

describe('a .torrent on standard output, from standard input, from a URL, into a device', () => {
  it('create -o - writes the same bytes as -o FILE, and info, magnet and verify read it from a pipe', async () => {
    const file = join(dir.path, 'file.torrent')
    expect((await runCli(['create', show, '--no-date', '-o', file])).code).toBe(0)
    const env = { SEEDCAST: `${process.execPath} ${binPath}`, SHOW: show, OUT: join(dir.path, 'piped.torrent') }
    const piped = await runProcess('sh', ['-c', '$SEEDCAST create "$SHOW" --no-date -o - > "$OUT"'], { env })
    expect(piped.code, piped.stderr).toBe(0)
    expect(await readFile(env.OUT)).toEqual(await readFile(file))
    const expected = inspectTorrent(file)
    // The summary goes to standard error: standard output holds the .torrent alone.
    expect(piped.stderr).toContain('Created a .torrent on standard output')
    expect(piped.stderr).toContain(`infohash:  ${expected.infoHash}`)

    const info = await runProcess('sh', ['-c', '$SEEDCAST create "$SHOW" --no-date -o - --json 2>/dev/null | $SEEDCAST info - --json'], { env })
    expect(info.code, info.stderr).toBe(0)
    expect(JSON.parse(info.stdout)).toEqual(JSON.parse(JSON.stringify(expected)))
    const json = await runProcess('sh', ['-c', '$SEEDCAST create "$SHOW" --no-date -o - --json > /dev/null'], { env })
    expect(JSON.parse(json.stderr)).toMatchObject({ path: null, infoHash: expected.infoHash })

    const fromPipe = await runProcess('sh', ['-c', '$SEEDCAST magnet - < "$OUT" && $SEEDCAST verify - "$SHOW" < "$OUT"'], { env })
    expect(fromPipe.stdout).toBe(`${expected.magnet}\nOK: all 11 pieces of 2 files match\n`)
  })

  it('info, magnet and verify fetch a .torrent URL; the magnet names it as xs', async () => {
    const path = join(dir.path, 'show.torrent')
    expect((await runCli(['create', show, '-o', path])).code).toBe(0)
    const expected = inspectTorrent(path)
    const torrent = await readFile(path)
    const server = createServer((request, response) => {
      if (request.url === '/show.torrent') response.end(torrent)
      else if (request.url === '/login') response.end('\n  <!DOCTYPE html><html><body>Sign in</body></html>')
      else if (request.url === '/ep1.mp3') response.end(Buffer.concat([Buffer.from('ID3\u0004\u0000'), randomBytes(5000)]))
      else response.writeHead(404).end()
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const { json } = await runCliJson(['info', `${base}/show.torrent`])
      expect(json).toEqual(JSON.parse(JSON.stringify(expected)))
      const magnet = await runCli(['magnet', `${base}/show.torrent`])
      expect(magnet.stdout.trim()).toBe(`${expected.magnet}&xs=${encodeURIComponent(`${base}/show.torrent`)}`)
      const verified = await runCli(['verify', `${base}/show.torrent`, show])
      expect(verified.stdout).toBe('OK: all 11 pieces of 2 files match\n')
      expectCleanError(await runCli(['info', `${base}/ep1.mp3`]), new RegExp(`^seedcast: ${base}/ep1\\.mp3: not a torrent: it does not start with a bencoded dictionary`))
      expectCleanError(await runCli(['magnet', `${base}/gone.torrent`]), /cannot fetch .*gone\.torrent: HTTP 404/)
      expectCleanError(await runCli(['info', `${base}/login`]), /\/login: not a torrent: it is an HTML or XML page \(give a \.torrent file\)$/)
      expectCleanError(await runCli(['get', `${base}/login`, '-o', join(dir.path, 'got')]), /\/login: not a valid \.torrent \(not a torrent: it is an HTML or XML page\)/)
    } finally {
      server.close()
    }
  })

  it('never writes a .torrent or media onto a terminal, nor waits for one on a terminal\'s input', async () => {
    for (const [args, line] of [
      [['create', show, '-o', '-'], 'seedcast: standard output is a terminal, not a place for a .torrent (redirect or pipe it: `-o - > episode.torrent`, `-o - | seedcast info -`)'],
      [['get', `magnet:?xt=urn:btih:${'ab'.repeat(20)}`, '--stdout'], 'seedcast: standard output is a terminal, not a place for media (pipe it into a player (`--stdout | mpv -`) or redirect it to a file)'],
      [['info', '-'], 'seedcast: standard input is a terminal, not a .torrent (pipe one in, e.g. `seedcast create episode.mp3 -o - | seedcast info -`, or give a path)']
    ] as const) {
      const run = await runInPty([process.execPath, binPath, ...args], [], { cwd: dir.path, env: { NO_COLOR: '1' } })
      expect(run.code, run.transcript).toBe(2)
      expect(run.transcript.replace(/\r/g, '').trim()).toBe(line)
    }
    expect(await readdir(dir.path)).toEqual(['my show'])
  })

  it('writes into /dev/null and a pipe as they are, and says so when /dev/full is full', async () => {
    const toNull = await runCli(['create', show, '-o', '/dev/null'])
    expect(toNull.code, toNull.stderr).toBe(0)
    expect((await stat('/dev/null')).isCharacterDevice()).toBe(true)
    // As root, a temp file renamed onto /dev/full replaced the device with a regular file.
    expectCleanError(await runCli(['create', show, '-o', '/dev/full']), /\/dev\/full: no space left on device/)
    expect((await stat('/dev/full')).isCharacterDevice()).toBe(true)

    const env = { SEEDCAST: `${process.execPath} ${binPath}`, SHOW: show, FIFO: join(dir.path, 'fifo'), OUT: join(dir.path, 'from-fifo.torrent') }
    const throughFifo = await runProcess('sh', ['-c', 'mkfifo "$FIFO" && { cat "$FIFO" > "$OUT" & } && $SEEDCAST create "$SHOW" --no-date -o "$FIFO" && wait'], { env })
    expect(throughFifo.code, throughFifo.stderr).toBe(0)
    expect(inspectTorrent(env.OUT).infoHash).toBe(inspectTorrent(await readFile(env.OUT)).infoHash)
    expect(inspectTorrent(env.OUT).files.map(file => file.path)).toEqual(['my show/ep1.mp3', 'my show/extras/ep2.mp3'])
    expect((await stat(env.FIFO)).isFIFO()).toBe(true)
  })
})

describe('seedcast verify', () => {
  it('exits 0 on intact data and 1 with the bad pieces and files otherwise, also with --json', async () => {
    const path = join(dir.path, 'show.torrent')
    expect((await runCli(['create', show, '-o', path, '--piece-length', '16K'])).code).toBe(0)
    const good = await runCli(['verify', path, show])
    expect(good.code, good.stderr).toBe(0)
    expect(good.stdout).toBe('OK: all 11 pieces of 2 files match\n')

    const bytes = await readFile(join(show, 'ep1.mp3'))
    bytes[20_000] = bytes[20_000]! ^ 1 // piece 1
    bytes[99_999] = bytes[99_999]! ^ 1 // piece 6, shared with ep2.mp3
    await writeFile(join(show, 'ep1.mp3'), bytes)
    const bad = await runCli(['verify', path, show])
    expect(bad.code).toBe(1)
    expect(bad.stdout).toBe([
      'FAILED: 2 of 11 pieces bad (pieces 1, 6)',
      '  bad        my show/ep1.mp3 (pieces 1, 6)',
      '  bad        my show/extras/ep2.mp3 (pieces 6)', ''
    ].join('\n'))
    const { result, json } = await runCliJson(['verify', path, show])
    expect(result.code).toBe(1)
    expect(json).toMatchObject({ ok: false, totalPieces: 11, goodPieces: 9, badPieces: [1, 6] })
  })
})

describe('bad input: one clear line, non-zero exit, no stack trace', () => {
  it.each<[string, (paths: { dir: string, show: string }) => Promise<string[]>, RegExp]>([
    ['a missing path', async ({ dir }) => ['create', join(dir, 'nope')], /nope: no such file or directory \(check the path\)/],
    ['an empty folder', async ({ dir }) => { await mkdir(join(dir, 'empty')); return ['create', join(dir, 'empty')] }, /empty: the folder holds no files/],
    ['a folder of junk only', async ({ dir }) => { await mkdir(join(dir, 'j')); await writeFile(join(dir, 'j', 'Thumbs.db'), 'x'); return ['create', join(dir, 'j')] }, /--include-junk keeps them/],
    ['a missing output folder', async ({ dir, show }) => ['create', show, '-o', join(dir, 'no', 'x.torrent')], /output folder .*no does not exist \(create it first/],
    ['a folder as the output', async ({ dir, show }) => ['create', show, '-o', dir], /is a folder \(give a file name as --output\)/],
    // An MP3's first bytes (ID3), not the show's random ep1.mp3: one in 256 of those starts with
    // "d" and is then, rightly, "malformed bencode" instead (failed the lead's full run once).
    ['not a torrent', async ({ dir }) => {
      await writeFile(join(dir, 'episode.mp3'), Buffer.concat([Buffer.from('ID3\u0004\u0000'), randomBytes(2000)]))
      return ['info', join(dir, 'episode.mp3')]
    }, /episode\.mp3: not a torrent: it does not start with a bencoded dictionary/],
    ['a folder where a .torrent is expected', async ({ show }) => ['info', show], /my show: is a directory, expected a file/],
    ['truncated bencode', async ({ dir }) => { await writeFile(join(dir, 't.torrent'), 'd8:announce3:abc4:infod4:name'); return ['info', join(dir, 't.torrent')] }, /t\.torrent: truncated bencode/],
    ['wrongly typed bencode', async ({ dir }) => { await writeFile(join(dir, 't.torrent'), 'd4:infod4:namei5eee'); return ['info', join(dir, 't.torrent')] }, /invalid torrent: info\.name is not a string/],
    ['a bad magnet', async () => ['info', 'magnet:?xt=urn:btih:xyz'], /bad magnet link: "xyz" is not a 40-character hex/],
    // Terminal escapes quoted from the argument are shown, not run (ESC ]0;…BEL sets the
    // window title, ESC [2J clears the screen).
    ['a magnet carrying terminal escapes', async () => ['info', 'magnet:?xt=urn:btih:%1B%5D0%3Bpwned%07%1B%5B2J'], /bad magnet link: "\uFFFD\]0;pwned\uFFFD\uFFFD\[2J" is not a 40-character hex/],
    ['a missing torrent for magnet', async ({ dir }) => ['magnet', join(dir, 'none.torrent')], /none\.torrent: no such file or directory/],
    // A wrong argument is refused after at most 64 MiB read (16 MiB for get), not read whole:
    // `info /dev/zero` read until the kernel killed it at 24 GiB.
    ['an endless device where a .torrent is expected', async () => ['info', '/dev/zero'], /\/dev\/zero: larger than 64 MiB, not a \.torrent/],
    ['a 100 GiB file where a .torrent is expected', async ({ dir }) => {
      await writeFile(join(dir, 'season.mkv'), '')
      await truncate(join(dir, 'season.mkv'), 100 * 1024 ** 3) // sparse: judged by its size, never read
      return ['info', join(dir, 'season.mkv')]
    }, /season\.mkv: larger than 64 MiB, not a \.torrent \(give a \.torrent file, not the data it describes\)/],
    ['get of an endless device', async () => ['get', '/dev/zero'], /\/dev\/zero: larger than 16 MiB, not a \.torrent/],
    ['nothing on standard input', async () => ['info', '-'], /standard input: not a torrent: the file is empty/],
    ['verify against a magnet', async () => ['verify', `magnet:?xt=urn:btih:${'ab'.repeat(20)}`, '.'], /a magnet link holds no piece hashes/],
    ['verify with missing data', async ({ dir, show }) => {
      await runCli(['create', show, '-o', join(dir, 's.torrent')])
      return ['verify', join(dir, 's.torrent'), join(dir, 'gone')]
    }, /gone: no such file or directory/]
  ])('%s', async (_label, setup, message) => {
    const args = await setup({ dir: dir.path, show })
    expectCleanError(await runCli(args), message)
  })

  it('a file that cannot be read', async () => {
    const file = join(show, 'ep1.mp3')
    await chmod(file, 0o000)
    // Root reads anything, so as root the CLI runs as "nobody" to meet the permission check.
    const asRoot = process.getuid?.() === 0
    if (asRoot) await chmod(dir.path, 0o755)
    const result = await runCli(['create', file, '-o', join(dir.path, 'x.torrent')], asRoot ? { uid: 65534, env: { HOME: '/tmp' } } : {})
    expectCleanError(result, /ep1\.mp3: permission denied \(cannot read it\)/)
    expect(await stat(join(dir.path, 'x.torrent')).catch(() => 'absent')).toBe('absent')
  })
})

async function bytesRead (pid: number): Promise<number> {
  const io = await readFile(`/proc/${pid}/io`, 'utf8').catch(() => '')
  return Number(/^rchar: (\d+)$/m.exec(io)?.[1] ?? 0)
}
