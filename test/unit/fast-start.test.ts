import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { copyFile, mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { HELP_CACHE_FILE, HELP_SOURCE_FILE, helpCacheKey } from '../../cli/help-cache.js'
import { binPath, repoRoot } from '../helpers/cli.js'
import { tempDir, withTemp } from '../helpers/tmp.js'

// bin/run.js answers --version and help from the manifest (cli/fast-start.ts) without
// oclif's Config.load. These runs hold it to oclif's own rendering, byte for byte, at
// several widths and with colour forced on. (This oclif has no `help` command: `seedcast help`
// is an unknown command there, so it is left to oclif too.)
const fastStartUrl = new URL('../../dist/cli/fast-start.js', import.meta.url).href
const fastOnly = `import(${JSON.stringify(fastStartUrl)}).then(({ fastStart }) => fastStart(process.argv.slice(1), ${JSON.stringify(repoRoot)})).then(handled => { if (!handled) process.exitCode = 3 })`
const helpCacheUrl = new URL('../../dist/cli/help-cache.js', import.meta.url).href
const oclifOnly = `import('@oclif/core').then(({ execute }) => execute({ dir: ${JSON.stringify(binPath)}, args: process.argv.slice(1) }))`

function run (script: string, args: string[], env: NodeJS.ProcessEnv) {
  const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, OCLIF_COLUMNS: _columns, ...base } = process.env
  const result = spawnSync(process.execPath, ['-e', script, '--', ...args], { cwd: repoRoot, env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const answered = [
  ['--version'],
  [],
  ['--help'],
  ['create', '--help'],
  ['publish', '--help'],
  ['get', 'x', '--help'],
  ['feed'],
  ['feed', '--help'],
  ['episodes'],
  ['feed', 'build', '--help'],
  ['episodes', 'edit', '--help']
]

const environments: [string, NodeJS.ProcessEnv][] = [
  ['80 columns, no colour', {}],
  ['52 columns', { OCLIF_COLUMNS: '52' }],
  ['160 columns, colour forced', { OCLIF_COLUMNS: '160', FORCE_COLOR: '1' }]
]

describe('the fast start (version and help without oclif\'s plugin loading)', () => {
  for (const [label, env] of environments) {
    it(`prints what oclif prints, ${label}`, () => {
      for (const args of answered) {
        const fast = run(fastOnly, args, env)
        const oclif = run(oclifOnly, args, env)
        expect(fast.code, `fast start did not answer: ${args.join(' ')} ${fast.stderr}`).toBe(0)
        expect(oclif.code).toBe(0)
        expect(fast.stdout.length).toBeGreaterThan(20)
        expect(fast.stdout, `seedcast ${args.join(' ')}`).toBe(oclif.stdout)
        expect(fast.stderr).toBe(oclif.stderr)
      }
    })
  }

  it('leaves commands, unknown commands and unknown topics to oclif', () => {
    for (const args of [['create', 'x'], ['nosuch', '--help'], ['feed', 'nosuch'], ['help'], ['help', 'create'], ['--', '--help']]) {
      const fast = run(fastOnly, args, {})
      expect(fast.code, args.join(' ')).toBe(3)
      expect(fast.stdout).toBe('')
    }
  })

  it('answers --version --json with the version as JSON fields, where oclif prints its plain line', () => {
    const bin = spawnSync(process.execPath, [binPath, '--version', '--json'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 })
    const pjson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))
    expect(bin.status).toBe(0)
    expect(JSON.parse(bin.stdout)).toEqual({ name: 'seedcast', version: pjson.version, platform: process.platform, arch: process.arch, node: process.version })
    // The plain line says the same.
    const plain = spawnSync(process.execPath, [binPath, '--version'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 })
    expect(plain.stdout).toBe(`seedcast/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`)
  })

  it('gives the same output and exit code through bin/run.js as through oclif, answered or not', () => {
    for (const args of [['--version'], ['create', '--help'], ['feed'], ['nosuch', '--help'], ['create']]) {
      const bin = spawnSync(process.execPath, [binPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 })
      const oclif = run(oclifOnly, args, { NO_COLOR: '1' })
      expect(bin.stdout, args.join(' ')).toBe(oclif.stdout)
      expect(bin.status, args.join(' ')).toBe(oclif.code)
    }
  })
})

describe('the help pages rendered at build time (cli/help-cache.ts)', () => {
  const cacheFile = join(repoRoot, HELP_CACHE_FILE)
  const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as { pages: Record<string, string> }

  it('holds the root, every command and every topic, each exactly what oclif renders to a pipe', () => {
    const keys = Object.keys(cache.pages)
    expect(keys).toContain(helpCacheKey(['create', '--help']))
    expect(keys).toContain(helpCacheKey(['feed']))
    expect(keys).toContain(helpCacheKey([]))
    // oclif's own Config and Help render every cached argv (a Config each: Help rewrites
    // command ids in place); topics alone as oclif's main does, by showing the topic's help.
    const script = `
      const { Config, loadHelpClass } = await import('@oclif/core')
      const pages = {}
      const write = process.stdout.write.bind(process.stdout)
      for (const key of JSON.parse(process.argv[1])) {
        const config = await Config.load(${JSON.stringify(binPath)})
        const Help = await loadHelpClass(config)
        let text = ''
        process.stdout.write = chunk => { text += chunk; return true }
        await new Help(config).showHelp(key === '' ? [] : key.split('\\0'))
        process.stdout.write = write
        pages[key] = text
      }
      write(JSON.stringify(pages))`
    const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, OCLIF_COLUMNS: _columns, ...env } = process.env
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(keys)], { cwd: repoRoot, env, encoding: 'utf8', timeout: 60_000 })
    expect(result.stderr).toBe('')
    const live = JSON.parse(result.stdout) as Record<string, string>
    for (const key of keys) expect(cache.pages[key], `seedcast ${key.replaceAll('\0', ' ')}`).toBe(live[key])
  })

  it('is used only for the package and manifest it was made from', () => withTemp(tempDir(), async tmp => {
    await mkdir(join(tmp.path, 'dist'))
    await copyFile(cacheFile, join(tmp.path, HELP_CACHE_FILE))
    await copyFile(join(repoRoot, HELP_SOURCE_FILE), join(tmp.path, HELP_SOURCE_FILE))
    const packageText = readFileSync(join(repoRoot, 'package.json'), 'utf8')
    const manifestText = readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')
    const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, OCLIF_COLUMNS: _columns, ...env } = process.env
    // In a child: stdout a pipe and the environment without colour, as for the pages' users.
    const lookup = (manifest: string, extraEnv: Record<string, string> = {}) => spawnSync(process.execPath, ['--input-type=module', '-e',
      `const { cachedHelp } = await import(${JSON.stringify(helpCacheUrl)}); const page = await cachedHelp(${JSON.stringify(tmp.path)}, ['create', '--help'], process.argv[1], process.argv[2]); process.stdout.write(page ?? 'NONE')`,
      packageText, manifest], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 }).stdout
    const page = cache.pages[helpCacheKey(['create', '--help'])]
    expect(lookup(manifestText)).toBe(page)
    // CI=true turns colour on for ansis but not for oclif's help, which stays plain there:
    // the cache still answers (this test once failed only on CI machines).
    expect(lookup(manifestText, { CI: 'true' })).toBe(page)
    expect(lookup(manifestText, { FORCE_COLOR: '1' })).toBe('NONE')
    expect(lookup(manifestText.replace('"summary":', '"summary": "changed",\n"x":'))).toBe('NONE')
  }))

  it('gives way to the live renderer when colour is on', () => {
    const { NO_COLOR: _noColor, OCLIF_COLUMNS: _columns, ...base } = process.env
    const bin = spawnSync(process.execPath, [binPath, 'create', '--help'], { cwd: repoRoot, env: { ...base, FORCE_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 })
    const oclif = run(oclifOnly, ['create', '--help'], { FORCE_COLOR: '1' })
    expect(bin.stdout).toContain('\u001B[')
    expect(bin.stdout).toBe(oclif.stdout)
  })
})

// bin/run.js runs create, publish, verify, info, magnet, seed, get (and the one-shot commands of topics) through fastRun: the command
// class from the manifest's path with a static config, without oclif's Config.load. These
// runs hold it to what oclif's execute() prints and exits with, errors and --json included.
describe('the fast run (one-shot commands without oclif\'s plugin loading)', () => {
  // Run in a temp folder: oclif's entry by its full path, which -e would not find from there.
  const oclifEntry = pathToFileURL(createRequire(join(repoRoot, 'package.json')).resolve('@oclif/core')).href
  const oclifAnywhere = `import(${JSON.stringify(oclifEntry)}).then(({ execute }) => execute({ dir: ${JSON.stringify(binPath)}, args: process.argv.slice(1) }))`
  // With the process's imports mapped to the bundles first where bin/run.js does it (all but
  // the long-running commands): the command and oclif run from dist/bundle and dist/vendor,
  // as users run them.
  const bundledDepsUrl = new URL('../../dist/cli/bundled-deps.js', import.meta.url).href
  const fastRunOnly = `import(${JSON.stringify(bundledDepsUrl)}).then(({ bundlesFor, useBundledDependencies }) => { if (bundlesFor(process.argv.slice(1)) && useBundledDependencies(${JSON.stringify(repoRoot)}).length === 0) throw new Error('no bundles: npm run build') }).then(() => import(${JSON.stringify(fastStartUrl)})).then(({ fastRun }) => fastRun(process.argv.slice(1), ${JSON.stringify(repoRoot)})).then(handled => { if (!handled) { process.stderr.write('NOT HANDLED'); process.exitCode = 3 } })`

  function runIn (cwd: string, script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, OCLIF_COLUMNS: _columns, ...base } = process.env
    const result = spawnSync(process.execPath, ['-e', script, '--', ...args], { cwd, env: { ...base, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 60_000 })
    return { code: result.status, stdout: result.stdout, stderr: result.stderr }
  }

  it('prints and exits as oclif does, for runs that succeed and runs that fail', () => withTemp(tempDir(), async tmp => {
    const media = join(repoRoot, 'fixtures', 'episode.mp3')
    const made = join(tmp.path, 'made.torrent')
    const cases: [string[], NodeJS.ProcessEnv?][] = [
      [['create']],
      [['create', '--json']],
      [['create', media, '--nosuch']],
      [['create', join(tmp.path, 'missing.mp3')]],
      [['create', media, '--piece-length', '3K']],
      [['create', '--', '--help']],
      [['create', media, '--no-date', '-o', made, '--force']],
      [['create', media, '--no-date', '-o', made, '--force', '--json']],
      [['create', media, '--no-date', '-o', made]],
      [['create', media, '--no-date', '-o', made], { SEEDCAST_CONTENT_TYPE: 'json' }],
      [['verify', made, media]],
      [['verify', made, join(repoRoot, 'fixtures', 'episode-2.mp3'), '--json']],
      [['verify']],
      [['info', made]],
      [['info', made, '--json']],
      [['info', join(tmp.path, 'missing.torrent')]],
      [['magnet', made]],
      [['magnet', made, '--json']],
      [['magnet']],
      [['publish']],
      [['publish', media, '--show', join(tmp.path, 'no-show')]],
      [['publish', media, '--show', join(tmp.path, 'no-show'), '--json']],
      [['seed']],
      [['seed', join(tmp.path, 'missing.torrent')]],
      [['seed', made, '--upload-limit', 'fast', '--json']],
      [['get']],
      [['get', join(tmp.path, 'missing.torrent')]],
      [['get', made, '--download-limit', 'fast', '--json']]
    ]
    for (const [args, env] of cases) {
      const label = `seedcast ${args.join(' ')}${env ? ' with ' + JSON.stringify(env) : ''}`
      // oclif first: `create -o made.torrent` must exist for the runs after it.
      const oclif = runIn(tmp.path, oclifAnywhere, args, env)
      const fast = runIn(tmp.path, fastRunOnly, args, env)
      expect(fast.stderr, label).not.toContain('NOT HANDLED')
      expect({ code: fast.code, stdout: fast.stdout, stderr: fast.stderr }, label).toEqual(oclif)
    }
  }), 180_000) // 50 runs of a fresh Node one after the other: 30 s alone, over 60 s on a loaded machine of two cores

  it('runs the one-shot commands of a topic (feed build, episodes list...) as oclif does', () => withTemp(tempDir(), async tmp => {
    const show = join(tmp.path, 'show')
    const init = spawnSync(process.execPath, [binPath, 'init', show, '--title', 'T', '--description', 'D', '--author', 'A', '--owner-name', 'A', '--owner-email', 'a@example.org', '--base-url', 'https://example.org/s/', '--category', 'Technology', '--language', 'en'], { encoding: 'utf8', timeout: 60_000 })
    expect(init.status, init.stderr).toBe(0)
    const cases: string[][] = [
      ['show', '--show', show],
      ['show', '--show', show, '--json'],
      ['show', 'edit', '--show', show],
      ['episodes', 'list', '--show', show],
      ['episodes', 'list', '--show', show, '--json'],
      ['episodes', 'show', 'nosuch', '--show', show],
      ['episodes', 'remove', 'nosuch', '--show', show, '--json'],
      ['feed', 'build', '--show', show],
      ['feed', 'build', '--show', show, '--json'],
      ['feed', 'build', '--show', join(tmp.path, 'no-show')],
      ['feed', 'lint', join(tmp.path, 'missing.xml')],
      ['token', 'list', '--show', show],
      ['init'],
      ['init', show, '--title', 'T']
    ]
    for (const args of cases) {
      const oclif = runIn(tmp.path, oclifAnywhere, args)
      const fast = runIn(tmp.path, fastRunOnly, args)
      expect(fast.stderr, args.join(' ')).not.toContain('NOT HANDLED')
      expect({ code: fast.code, stdout: fast.stdout, stderr: fast.stderr }, `seedcast ${args.join(' ')}`).toEqual(oclif)
    }
    // Words oclif reads into the command id are left to it (then not-a-command.ts answers them).
    for (const args of [['feed', 'build', 'x'], ['show', 'x'], ['episodes', 'nosuch'], ['feed:build']]) {
      const fast = runIn(tmp.path, fastRunOnly, args)
      expect(fast.code, args.join(' ')).toBe(3)
      expect(fast.stdout, args.join(' ')).toBe('')
    }
  }))

  it('leaves help, topics, other commands and unknown commands to oclif', () => {
    for (const args of [[], ['create', '--help'], ['create', 'x', '--help'], ['episodes'], ['feed', 'build', '--help'], ['seed', 'x', '--help'], ['get', 'x', '--help'], ['serve'], ['peers', 'x'], ['follow', 'list'], ['nosuch'], ['--version']]) {
      const fast = runIn(repoRoot, fastRunOnly, args)
      expect(fast.code, args.join(' ')).toBe(3)
      expect(fast.stdout, args.join(' ')).toBe('')
    }
  })
})
