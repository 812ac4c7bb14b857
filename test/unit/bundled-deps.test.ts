import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createRequire } from 'node:module'
import { createHash } from 'node:crypto'
import { BUNDLED_INDEX, BUNDLED_PACKAGES, bundlesFor, COMMANDS_INDEX, WHOLE_PACKAGES, type BundledIndex } from '../../cli/bundled-deps.js'
import { modulesInBundle } from '../helpers/bundles.js'
import { binPath, repoRoot } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'

// The CLI loads feedsmith, zod, music-metadata, uuid, write-file-atomic, proper-lockfile and oclif from their
// bundles in dist/vendor (cli/bundled-deps.ts, built by `npm run build` with
// scripts/vendor.vite.config.js). These hold the build to the sources: a bundle missing, made
// from other versions of the packages, or exporting other names than the code imports fails
// here, not in a user's hands.

const PACKAGES_PATTERN = BUNDLED_PACKAGES.join('|')

interface CommandsIndex { commands: Record<string, string>, external: string[], modules: Record<string, string> }

function readCommandsIndex (): CommandsIndex {
  const path = join(repoRoot, COMMANDS_INDEX)
  expect(existsSync(path), `${COMMANDS_INDEX} is missing: npm run build makes it`).toBe(true)
  return JSON.parse(readFileSync(path, 'utf8')) as CommandsIndex
}

function readIndex (): BundledIndex {
  const path = join(repoRoot, BUNDLED_INDEX)
  expect(existsSync(path), `${BUNDLED_INDEX} is missing: npm run build makes it`).toBe(true)
  return JSON.parse(readFileSync(path, 'utf8')) as BundledIndex
}

/** The built modules of this package that import a bundled package (tsc keeps the bare specifiers). */
function importers (): string[] {
  const files: string[] = []
  for (const dir of ['dist/src', 'dist/commands', 'dist/cli']) {
    for (const entry of readdirSync(join(repoRoot, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.js')) continue
      const path = join(entry.parentPath, entry.name)
      if (new RegExp(`(from |import\\()['"](${PACKAGES_PATTERN})(/[^'"]*)?['"]`).test(readFileSync(path, 'utf8'))) files.push(path)
    }
  }
  return files
}

function node (script: string, args: string[] = [], cwd = repoRoot) {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } })
  expect(result.status, result.stderr).toBe(0)
  return result.stdout
}

describe('the bundled dependencies of the CLI', () => {
  it('are built for every package named, from the installed versions, exporting what the sources import', async () => {
    const index = readIndex()
    expect([...new Set(Object.values(index.packages).map(entry => entry.package))].sort()).toEqual([...BUNDLED_PACKAGES].sort())
    const config = new URL('../../scripts/vendor.vite.config.js', import.meta.url).href
    const { importedNames } = await import(config) as { importedNames: () => Map<string, Set<string>> }
    const used = importedNames()
    // Every specifier of these packages the sources import has its bundle (one imported
    // from the package itself would load a second copy beside the bundle's).
    expect(Object.keys(index.packages).sort(), 'the sources import other specifiers of the bundled packages than dist/vendor has: npm run build').toEqual([...used.keys()].sort())
    const require = createRequire(join(repoRoot, 'package.json'))
    for (const [specifier, { package: name, version, file, exports }] of Object.entries(index.packages)) {
      const installed = JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
      expect(version, `dist/vendor/${file} was built from ${name} ${version}, ${installed.version} is installed: npm run build`).toBe(installed.version)
      expect(exports, `the sources import other names from ${specifier} than its bundle exports: npm run build`).toEqual([...used.get(specifier)!].sort())
      if (WHOLE_PACKAGES.includes(name)) {
        const real = Object.keys(require(specifier) as object).map(key => key === '__esModule' ? 'default' : key)
        expect(exports).toEqual([...new Set([...real, 'default'])].sort())
      }
      expect(existsSync(join(repoRoot, 'dist/vendor', file)), `dist/vendor/${file}`).toBe(true)
    }
  })

  it('hold the one-shot commands, built from the modules now in dist/ and holding none of the modules left out of them', async () => {
    const index = readCommandsIndex()
    const config = new URL('../../scripts/commands.vite.config.js', import.meta.url).href
    const { BUNDLED_COMMANDS } = await import(config) as { BUNDLED_COMMANDS: string[] }
    expect(Object.keys(index.commands).sort()).toEqual([...BUNDLED_COMMANDS].sort())
    expect(BUNDLED_COMMANDS).toContain('publish')
    expect(BUNDLED_COMMANDS).not.toContain('seed')
    // get stays in dist/commands: what it loads after its flags has a bundle of its own (dist/download).
    expect(BUNDLED_COMMANDS).not.toContain('get')
    for (const [path, sha1] of Object.entries(index.modules)) {
      const file = join(repoRoot, 'dist', path)
      expect(existsSync(file) && createHash('sha1').update(readFileSync(file)).digest('hex'), `dist/bundle holds an older dist/${path}: npm run build`).toBe(sha1)
    }
    const bundled = readdirSync(join(repoRoot, 'dist/bundle'), { recursive: true }).map(String).filter(name => name.endsWith('.js')).flatMap(name => modulesInBundle(join(repoRoot, 'dist/bundle', name)))
    expect(new Set(bundled)).toEqual(new Set(Object.keys(index.modules)))
    expect(bundled.filter(path => index.external.includes(path))).toEqual([])
    // What bin/run.js loads before a command is never in a bundle.
    for (const path of ['cli/fast-start.js', 'cli/bundled-deps.js', 'cli/quick-answer.js', 'cli/hashing-command.js', 'src/torrent/hash-worker-thread.js', 'src/torrent/small-input.js', 'src/torrent/hash-pool.js', 'cli/early-hash.js', 'src/show/early-copy.js']) expect(index.external).toContain(path)
  })

  it('are ASCII only (scripts/node-bundle.js: a file with one other character loads as a two-byte string)', () => {
    const files = ['dist/vendor', 'dist/bundle'].flatMap(dir => readdirSync(join(repoRoot, dir), { recursive: true, withFileTypes: true })
      .filter(entry => entry.isFile() && entry.name.endsWith('.js')).map(entry => join(entry.parentPath, entry.name)))
    expect(files.length).toBeGreaterThan(20)
    const notAscii = files.filter(file => readFileSync(file).some(byte => byte > 0x7f)).map(file => file.slice(repoRoot.length + 1))
    expect(notAscii).toEqual([])
  })

  it('are for the short commands: the long-running ones keep the packages themselves', () => {
    // And get, whose start-up is a share of each download's CPU (its download bundle: download-bundle.test.ts).
    for (const args of [['create', 'x'], ['publish', 'x'], ['info'], ['follow', 'list'], ['feed', 'build'], ['get', 'x'], []]) expect(bundlesFor(args), args.join(' ')).toBe(true)
    for (const args of [['seed', 'x'], ['serve'], ['mirror', 'x'], ['follow', 'run'], ['demo'], ['peers', 'x']]) expect(bundlesFor(args), args.join(' ')).toBe(false)
  })

  it('export every name they list, and link with every module of the CLI that imports them', () => {
    const index = readIndex()
    const script = `
      const { useBundledDependencies } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist/cli/bundled-deps.js')).href)})
      const mapped = useBundledDependencies(${JSON.stringify(repoRoot)})
      const { registerHooks } = await import('node:module')
      const resolved = []
      registerHooks({ resolve (specifier, context, next) { const found = next(specifier, context); resolved.push(found.url); return found } })
      const missing = []
      for (const { file, exports } of Object.values(${JSON.stringify(index.packages)})) {
        const bundle = await import(new URL('dist/vendor/' + file, ${JSON.stringify(pathToFileURL(repoRoot + '/').href)}).href)
        for (const name of exports) if (!(name in bundle) || bundle[name] === undefined) missing.push(file + ': ' + name)
      }
      for (const path of process.argv.slice(1)) await import(path)
      const real = resolved.filter(url => new RegExp(${JSON.stringify(`node_modules/(${PACKAGES_PATTERN})/`)}).test(url))
      console.log(JSON.stringify({ mapped, missing, real }))
    `
    const files = importers()
    expect(files.length).toBeGreaterThan(10)
    const { mapped, missing, real } = JSON.parse(node(script, files.map(file => pathToFileURL(file).href))) as { mapped: string[], missing: string[], real: string[] }
    expect(mapped.sort()).toEqual(Object.keys(index.packages).sort())
    expect(missing).toEqual([])
    expect(real).toEqual([])
  })

  it('are what the CLI runs (a show made and listed loads no module of those packages), and the library imports the packages themselves', async () => {
    const { path, cleanup } = await tempDir()
    try {
      // Records every module the CLI process loads, printed to stderr at exit.
      const recorder = `data:text/javascript,${encodeURIComponent("import { registerHooks } from 'node:module'; const urls = []; registerHooks({ load (url, context, next) { urls.push(url); return next(url, context) } }); process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(urls) + '\\n'))")}`
      const opml = join(path, 'subscriptions.opml')
      writeFileSync(opml, '<?xml version="1.0"?>\n<opml version="2.0"><head><title>none yet</title></head><body></body></opml>\n')
      const runs = [
        ['init', join(path, 'show'), '--title', 'T', '--description', 'D', '--author', 'A', '--owner-name', 'A', '--owner-email', 'a@example.org', '--language', 'en', '--category', 'Technology', '--base-url', 'https://show.example.org/'],
        ['publish', join(repoRoot, 'fixtures/episode.mp3'), '--show', join(path, 'show'), '--title', 'One'],
        ['episodes', 'list', '--show', join(path, 'show')],
        // oclif's own run (execute, Config.load, its plugin loader), from the bundle too.
        ['follow', 'list', '--dir', join(path, 'library')],
        // feedsmith's parsers, in their own bundle (cli/bundled-deps.ts SEPARATE_IMPORTERS).
        ['follow', 'import', opml, '--dir', join(path, 'library')],
        // A topic's help (oclif's Help class: OCLIF_COLUMNS leaves the pre-rendered pages
        // aside), and an error (oclif's handle).
        ['feed'],
        ['info', join(path, 'missing.torrent')]
      ]
      const loaded: string[] = []
      const distUrl = pathToFileURL(join(repoRoot, 'dist') + '/').href
      const vendorUrl = pathToFileURL(join(repoRoot, 'dist/vendor') + '/').href
      /** The modules of node_modules the bundles of dist/vendor among `urls` hold (rolldown names each in a comment). */
      const vendored = (urls: string[]) => urls.filter(url => url.startsWith(vendorUrl))
        .flatMap(url => [...readFileSync(fileURLToPath(url), 'utf8').matchAll(/^\/\/ (node_modules\/\S+)$/gm)].map(match => match[1]!))
      let bundledModules = 0
      for (const args of runs) {
        const result = spawnSync(process.execPath, ['--import', recorder, binPath, ...args], { cwd: path, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', OCLIF_COLUMNS: '70' } })
        expect(result.status, `seedcast ${args[0]}: ${result.stderr}`).toBe(args[0] === 'info' ? 1 : 0)
        const urls = JSON.parse(/\nLOADED (.*)\n/.exec(result.stderr)![1]!) as string[]
        // No module of dist/ loaded both from its file and inside a bundle (two copies: two
        // classes, two states) in one process.
        const plain = new Set(urls.filter(url => url.startsWith(distUrl) && /^(src|cli|commands)\//.test(url.slice(distUrl.length))).map(url => url.slice(distUrl.length)))
        const inBundles = urls.filter(url => url.startsWith(distUrl + 'bundle/')).flatMap(url => modulesInBundle(fileURLToPath(url)))
        expect(inBundles.filter(path => plain.has(path)), `seedcast ${args.join(' ')}`).toEqual([])
        bundledModules += inBundles.length
        loaded.push(...urls)
        // publish writes feeds and never reads one: feedsmith's parsers (and the entity tables
        // and XML validator they use) stay out of it.
        if (args[0] === 'publish') {
          const modules = vendored(urls)
          expect(modules.filter(module => module.startsWith('node_modules/feedsmith/')).length, 'publish loads feedsmith').toBeGreaterThan(10)
          expect(modules.filter(module => /^node_modules\/(feedsmith\/dist\/.*\/parse\/|entities\/)/.test(module))).toEqual([])
        }
      }
      expect(bundledModules).toBeGreaterThan(20)
      const bundles = new Set(loaded.filter(url => url.startsWith(vendorUrl)).map(url => url.slice(vendorUrl.length)))
      for (const { file } of Object.values(readIndex().packages)) expect(bundles, `the CLI did not load dist/vendor/${file}`).toContain(file)
      expect(loaded.filter(url => new RegExp(`node_modules/(${PACKAGES_PATTERN})/`).test(url))).toEqual([])
      // The one-shot commands ran from dist/bundle.
      const commands = readCommandsIndex().commands
      for (const id of ['init', 'publish', 'episodes:list', 'info']) expect(loaded, `seedcast ${id} did not run from its bundle`).toContain(new URL(`bundle/${commands[id]}`, distUrl).href)

      // The library, imported as a package, has its plain imports.
      const library = `
        const { registerHooks } = await import('node:module')
        const urls = []
        registerHooks({ load (url, context, next) { urls.push(url); return next(url, context) } })
        await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist/src/index.js')).href)})
        console.log(JSON.stringify(urls.filter(url => url.includes('/dist/vendor/'))))
      `
      expect(JSON.parse(node(library))).toEqual([])
    } finally {
      await cleanup()
    }
  })

  it('print and exit as the packages themselves do (bin/run.js against oclif\'s execute() on the unbundled packages)', async () => {
    const { path, cleanup } = await tempDir()
    try {
      const oclifEntry = pathToFileURL(createRequire(join(repoRoot, 'package.json')).resolve('@oclif/core')).href
      const unbundled = `import(${JSON.stringify(oclifEntry)}).then(({ execute }) => execute({ dir: ${JSON.stringify(binPath)}, args: process.argv.slice(1) }))`
      const media = join(repoRoot, 'fixtures', 'episode.mp3')
      const made = join(path, 'made.torrent')
      const cases: string[][] = [
        ['create', media, '--no-date', '-o', made, '--json'],
        ['info', made, '--json'],
        ['info', join(path, 'missing.torrent')],
        ['create', media, '--nosuch'],
        ['create', '--json'],
        ['feed'],
        ['episodes', 'list', '--show', join(path, 'no-show')],
        ['follow', 'list', '--dir', join(path, 'library'), '--json'],
        // A missing argument: oclif's parser error through the bundles, with --json. (An unknown
        // command, with colons too, is answered before oclif: not-a-command.ts.)
        ['episodes', 'show', '--json']
      ]
      const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, OCLIF_COLUMNS: _columns, ...base } = process.env
      const env = { ...base, NO_COLOR: '1', OCLIF_COLUMNS: '70' }
      for (const args of cases) {
        const bundled = spawnSync(process.execPath, [binPath, ...args], { cwd: path, env, encoding: 'utf8', timeout: 60_000 })
        if (args[0] === 'create' && args.includes('-o')) rmSync(made)
        const plain = spawnSync(process.execPath, ['-e', unbundled, '--', ...args], { cwd: path, env, encoding: 'utf8', timeout: 60_000 })
        const label = `seedcast ${args.join(' ')}`
        expect({ code: bundled.status, stdout: bundled.stdout, stderr: bundled.stderr }, label).toEqual({ code: plain.status, stdout: plain.stdout, stderr: plain.stderr })
      }
    } finally {
      await cleanup()
    }
  })
})
