// Answers `seedcast --version` and help (`--help`, `help <command>`, no arguments, a bare
// topic) from package.json and the committed oclif.manifest.json, rendered by oclif's own
// Help class, without oclif's Config.load: that loads the plugin machinery (about 100
// modules: semver, globbing, config discovery) and doubled the start-up of these short
// commands. Anything this cannot answer exactly as oclif would returns false, and bin/run.js
// hands the arguments to oclif as usual; test/unit/fast-start.test.ts compares the two.
// The commonest pages come pre-rendered from the build (quick-answer.ts).
import { arch } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { bundledCommand } from './bundled-deps.js'
import { exitWhenDone } from './exit-when-done.js'
import type { ManifestFlag } from './early-hash.js'
import { runsHashingCommand } from './hashing-command.js'
import { cachedHelp, canAnswer, parseJson, readText, userAgent, type PackageJson } from './quick-answer.js'
import { notACommand, printUsageError } from './not-a-command.js'

interface ManifestCommand {
  id: string
  summary?: string
  description?: string
  hidden?: boolean
  aliases?: string[]
  hiddenAliases?: string[]
  [key: string]: unknown
}

interface Topic { name: string, description?: string, hidden?: boolean }

interface Manifest { version: string, commands: Record<string, ManifestCommand> }

/** Whether oclif would take a word after this command as an argument, not as more of its id. */
function takesArguments (command: ManifestCommand): boolean {
  return command.strict === false || Object.keys((command.args as Record<string, unknown> | undefined) ?? {}).length > 0
}

/** The help and version flags oclif reads, from package.json's oclif section. */
function helpAndVersionFlags (pjson: PackageJson): { help: Set<string>, version: Set<string> } {
  return {
    help: new Set([...(pjson.oclif.additionalHelpFlags ?? []), '--help']),
    version: new Set(['--version', ...(pjson.oclif.additionalVersionFlags ?? [])])
  }
}

/** The arguments before `--` (after it, `--help` is an argument, as oclif's main.run reads it). */
function beforeDashes (argv: string[]): string[] {
  return argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv
}

/**
 * Whether argv is a topic alone (`seedcast feed`, `seedcast feed nosuch`), as StaticConfig
 * would find it: the first word names no command but a declared topic or a prefix of a
 * visible command's id, and the first two words are no prefix of any command's id.
 */
function isTopicAlone (argv: string[], manifest: Manifest, declared: Record<string, unknown>): boolean {
  const [first, second] = argv
  if (first === undefined || Object.hasOwn(manifest.commands, first)) return false
  const ids = Object.keys(manifest.commands)
  const visible = Object.values(manifest.commands).filter(command => !command.hidden).map(command => command.id)
  const startsWith = (id: string, prefix: string) => id === prefix || id.startsWith(prefix + ':')
  const topic = Object.hasOwn(declared, first) || visible.some(id => startsWith(id, first))
  return topic && (second === undefined || !ids.some(id => startsWith(id, `${first}:${second}`)))
}

// package.json and the manifest (117 kB), read and parsed once: fastStart, warmUpFor and
// fastRun each need them in a command's run. Shared, so read-only (StaticConfig copies).
const texts = new Map<string, string | undefined>()
const values = new Map<string, unknown>()
function readOnce (path: string): string | undefined {
  if (!texts.has(path)) texts.set(path, readText(path))
  return texts.get(path)
}
function parseOnce<T> (path: string): T | undefined {
  if (!values.has(path)) values.set(path, parseJson<T>(readOnce(path)))
  return values.get(path) as T | undefined
}

/** Handles argv if it is a version or help request oclif would answer from static data; true when it did. */
export async function fastStart (argv: string[], root: string, options: { cache?: boolean } = {}): Promise<boolean> {
  const packageText = readOnce(join(root, 'package.json'))
  const pjson = parseOnce<PackageJson>(join(root, 'package.json'))
  if (!pjson || !canAnswer(pjson)) return false
  const { oclif } = pjson
  const flags = helpAndVersionFlags(pjson)
  if (argv[0] !== undefined && flags.version.has(argv[0])) {
    process.stdout.write(userAgent(pjson) + '\n')
    return true
  }

  const asksHelp = argv.length === 0 || beforeDashes(argv).some(arg => flags.help.has(arg))
  const manifestText = readOnce(join(root, 'oclif.manifest.json'))
  const manifest = asksHelp ? undefined : parseOnce<Manifest>(join(root, 'oclif.manifest.json'))
  // `seedcast feed` alone: oclif's main.run shows the topic's help. Decided from the
  // manifest's command ids alone, so running a command costs little here.
  if (!asksHelp && (!manifest || !isTopicAlone(argv, manifest, oclif.topics ?? {}))) return false
  // A topic alone with --json is a usage error (answerNotACommand), not its help.
  if (!asksHelp && beforeDashes(argv).includes('--json')) return false

  // A page rendered at build time is one this function answered then, from this very
  // package.json and manifest (the cache checks both): it needs none of the checks below.
  const cached = options.cache === false || manifestText === undefined ? undefined : await cachedHelp(root, argv, packageText!, manifestText)
  if (cached !== undefined) {
    process.stdout.write(cached)
    return true
  }
  const { version, commands } = manifest ?? parseJson<Manifest>(manifestText) ?? {}
  if (!commands || version !== pjson.version) return false
  // Aliases are registered by oclif in ways not worth repeating here.
  if (Object.values(commands).some(command => command.aliases?.length || command.hiddenAliases?.length)) return false
  const config = new StaticConfig(pjson, () => commands, root, { keep: true })
  const topicAlone = !asksHelp

  const { Help, CommandHelp, normalizeArgv } = await import('@oclif/core/help')
  let helpArgv = argv
  if (topicAlone) {
    const id = normalizeArgv(config as never, [...argv])[0]!
    if (config.findCommand(id) || !config.findTopic(id)) return false
    helpArgv = [id]
  }
  // oclif renders every string of the help through ejs, compiling a template per string
  // (a third of this path's time); text without ejs tags renders to itself.
  class PlainCommandHelp extends CommandHelp {
    constructor (...args: ConstructorParameters<typeof CommandHelp>) { super(...args); this.render = skipPlainText(this.render) }
  }
  class PlainHelp extends Help {
    override CommandHelpClass = PlainCommandHelp
    constructor (...args: ConstructorParameters<typeof Help>) { super(...args); this.render = skipPlainText(this.render) }
  }
  const help = new PlainHelp(config as never, oclif.helpOptions as never)
  try {
    await help.showHelp(helpArgv)
  } catch {
    // An unknown command or topic: oclif throws before printing anything, and reports
    // it in its own words when given the arguments.
    return false
  }
  return true
}

/**
 * Answers argv that names no command (a word after a command that takes none, a typo) with
 * seedcast's usage error (not-a-command.ts) instead of oclif's "command demo:x not found";
 * true when it did. Help for such argv gets the same error, or the named command's help when
 * argv names one before the stray word, and so does a version flag after them (`seedcast
 * nosuch --version`; a version flag first is fastStart's). Anything oclif would read
 * otherwise (plugins, hooks, aliases, a stale manifest) is left to oclif.
 */
export async function answerNotACommand (argv: string[], root: string): Promise<boolean> {
  const pjson = parseOnce<PackageJson>(join(root, 'package.json'))
  if (!pjson || !canAnswer(pjson) || pjson.oclif.topicSeparator !== ' ') return false
  const flags = helpAndVersionFlags(pjson)
  const named = beforeDashes(argv)
  const manifest = parseOnce<Manifest>(join(root, 'oclif.manifest.json'))
  if (!manifest || manifest.version !== pjson.version) return false
  const commands = Object.values(manifest.commands)
  if (commands.some(command => command.aliases?.length || command.hiddenAliases?.length)) return false
  const table = Object.fromEntries(commands.map(command => [command.id, { takesArgs: takesArguments(command), hidden: command.hidden, showFlag: Object.hasOwn((command.flags ?? {}) as object, 'show') }]))
  const view = notACommand(argv, table)
  if (!view) return false
  // `seedcast demo myshow --help`: demo's help, as `git status x --help` is git status's.
  if (view.command && named.some(arg => flags.help.has(arg))) return fastStart([...view.command, '--help'], root, { cache: false })
  // `seedcast episodes --json --help`: help asked for, the topic's help.
  if (view.topic && named.some(arg => flags.help.has(arg))) return false
  printUsageError(argv, view)
  return true
}

function skipPlainText (render: (text: string) => string): (text: string) => string {
  return text => text.includes('<%') || text.includes('%>') ? render(text) : text
}

/**
 * The part of oclif's Config that its Help class reads, filled from package.json and the
 * manifest the way Config.load fills it for a CLI without plugins or hooks. Its command and
 * topic tables are built from commands() when first read; with `keep: false` (a command's
 * run, which holds its config for life: a seeder for days) they are dropped again once the
 * code reading them has gone on, and commands() is called again if they are read later.
 */
class StaticConfig {
  readonly name: string
  readonly version: string
  readonly bin: string
  readonly topicSeparator: string
  readonly platform = process.platform
  readonly arch = arch() === 'ia32' ? 'x86' : arch()
  readonly shell = 'sh'
  readonly userAgent: string
  readonly isSingleCommandCLI = false
  readonly flexibleTaxonomy = false
  readonly theme = undefined
  readonly plugins = new Map()
  readonly binAliases: string[]
  private built: { commands: Map<string, ManifestCommand>, topics: Map<string, Topic> } | undefined

  constructor (readonly pjson: PackageJson, private readonly commandsOf: () => Record<string, ManifestCommand>, readonly root: string, private readonly options: { keep: boolean }) {
    this.name = pjson.name
    this.version = pjson.version
    this.bin = pjson.oclif.bin ?? pjson.name
    this.topicSeparator = pjson.oclif.topicSeparator ?? ':'
    this.userAgent = userAgent(pjson)
    this.binAliases = pjson.oclif.binAliases ?? []
    if (Object.values(pjson.oclif.topics ?? {}).some(topic => topic.subtopics)) throw new Error('subtopics are not supported by the fast start')
  }

  private get tables (): { commands: Map<string, ManifestCommand>, topics: Map<string, Topic> } {
    if (this.built) return this.built
    const commands = Object.values(this.commandsOf())
    const commandMap = new Map<string, ManifestCommand>()
    const topicMap = new Map<string, Topic>()
    // Copies: Help rewrites ids in place.
    for (const command of commands) {
      const copy = structuredClone(command)
      commandMap.set(copy.id, copy)
    }
    for (const [name, topic] of Object.entries(this.pjson.oclif.topics ?? {})) topicMap.set(name, { ...topic, name } as Topic)
    // As oclif: every prefix of a visible command's id is a topic.
    for (const command of commands.filter(command => !command.hidden)) {
      const parts = command.id.split(':')
      while (parts.length > 0) {
        const name = parts.join(':')
        if (!topicMap.has(name)) topicMap.set(name, { description: command.summary || command.description, name })
        parts.pop()
      }
    }
    this.built = { commands: commandMap, topics: topicMap }
    if (!this.options.keep) setImmediate(() => { this.built = undefined })
    return this.built
  }

  get commands (): ManifestCommand[] { return [...this.tables.commands.values()] }
  get commandIDs (): string[] { return this.commands.map(command => command.id) }
  get topics (): Topic[] { return [...this.tables.topics.values()] }
  findCommand (id: string): ManifestCommand | undefined { return this.tables.commands.get(id) }
  findTopic (name: string): Topic | undefined { return this.tables.topics.get(name) }
  runHook (): Promise<{ successes: [], failures: [] }> { return Promise.resolve({ successes: [], failures: [] }) }
  // As oclif's Config: SEEDCAST_<KEY> (and <ALIAS>_<KEY> for each bin alias), read by a running command.
  scopedEnvVarKey (key: string): string { return envKey(this.bin, key) }
  scopedEnvVarKeys (key: string): string[] { return [this.bin, ...this.binAliases].filter(Boolean).map(alias => envKey(alias, key)) }
  scopedEnvVar (key: string): string | undefined {
    const found = this.scopedEnvVarKeys(key).find(name => process.env[name])
    return found === undefined ? undefined : process.env[found]
  }

  scopedEnvVarTrue (key: string): boolean {
    const value = this.scopedEnvVar(key)
    return value === '1' || value === 'true'
  }

  /** Whether some command's id starts with these words. */
  isIdPrefix (id: string): boolean { return this.commandIDs.some(commandId => commandId === id || commandId.startsWith(id + ':')) }
}

function envKey (bin: string, key: string): string {
  return [bin, key].map(part => part.replaceAll('@', '').replaceAll(/[/-]/g, '_')).join('_').toUpperCase()
}

/**
 * Commands run by fastRun: the one-shot ones, which read nothing of oclif's Config but
 * what StaticConfig holds (bin, user agent, scoped environment). Not the long-running
 * serve, mirror, peers, demo and follow run, whose start-up matters little.
 */
export const FAST_RUN_COMMANDS = new Set([
  'create', 'publish', 'verify', 'info', 'magnet', 'init', 'import', 'show', 'show:edit',
  'episodes:list', 'episodes:show', 'episodes:edit', 'episodes:remove', 'feed:build', 'feed:lint',
  'token:create', 'token:list', 'token:revoke',
  // And seed: a seeder keeps whatever it loaded for its whole life (oclif's Config and
  // semver: about 115 modules; peak RSS of the 1 GiB seed bench 101 -> 95 MiB). And get,
  // whose start-up is a share of every download's CPU (see scripts/download.vite.config.js).
  'seed', 'get'
])
const FAST_RUN_FIRST_WORDS = new Set([...FAST_RUN_COMMANDS].map(id => id.split(':')[0]!))
/** Of FAST_RUN_COMMANDS, those that run until stopped: they end as Node ends them (native modules' own teardown). */
const LONG_RUNNING = new Set(['seed', 'get'])

/**
 * The command id argv names and how many words it takes, as oclif's normalizeArgv finds it
 * with a space as topic separator (`feed build --show x` is feed:build with `--show x`); or
 * undefined when it names none of FAST_RUN_COMMANDS, or oclif would read it otherwise.
 */
function fastRunId (argv: string[], commands: Record<string, ManifestCommand>): { id: string, words: number } | undefined {
  const [first, second] = argv
  if (first === undefined || first.includes(':')) return undefined
  const id = second !== undefined && FAST_RUN_COMMANDS.has(`${first}:${second}`) ? `${first}:${second}` : first
  const entry = commands[id]
  if (!FAST_RUN_COMMANDS.has(id) || !Object.hasOwn(commands, id) || entry?.id !== id) return undefined
  const words = id.split(':').length
  const next = argv[words]
  if (next !== undefined) {
    // oclif takes the next word into the id when some command's id goes on with it
    // (`show edit`), and also when this command takes no argument and the word is no
    // flag (`feed build x`: "command feed:build:x not found"); both are oclif's.
    const longer = `${id}:${next}`
    if (Object.keys(commands).some(other => other === longer || other.startsWith(longer + ':'))) return undefined
    if (!takesArguments(entry) && !next.startsWith('-') && !next.includes('=')) return undefined
  }
  return { id, words }
}

/**
 * Runs the one-shot commands (create, publish, verify, info, episodes list...) and seed the way
 * oclif's execute() does (main.run, Config.runCommand, Command.run, then flush, or handle
 * on an error), with the command class imported from the path the committed manifest gives and a StaticConfig
 * in place of oclif's Config.load. That load (the plugin machinery, run twice: main.run
 * loads a Config, and Command.run loads a second one from it) and the index of
 * @oclif/core (semver alone is 47 modules) were about 90 ms of CPU before a command
 * started, time `create` and `publish` take from hashing on a machine of two cores. The
 * command itself is oclif's: its parser, flags, --json and errors (SeedcastCommand.catch)
 * are unchanged. Returns false, having done nothing, for anything else (help, a topic, an
 * unknown or stale command, hooks, plugins, a theme, debug output): oclif runs those.
 */
export async function fastRun (argv: string[], root: string): Promise<boolean> {
  const command = await commandToRun(argv, root)
  if (!command) return false
  if (!LONG_RUNNING.has(argv[0]!)) exitWhenDone()
  try {
    await command._run()
    const { flush } = await import('@oclif/core/flush')
    await flush()
  } catch (error) {
    // Never false from here on: the command has run, oclif must not run it again.
    try {
      const { handle } = await import('@oclif/core/handle')
      await handle(error instanceof Error ? error : new Error(String(error)))
    } catch {
      process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`)
      process.exitCode = 1
    }
  }
  return true
}

/**
 * The command fastRun runs, made as oclif's Config.runCommand makes it, or undefined for
 * oclif to run argv. Apart from fastRun's frame, which lives as long as the command runs
 * (a seeder's: for days), so that package.json and the manifest, read and parsed here, are
 * not kept for that long; nor in the shared caches, emptied here: the command's StaticConfig
 * reads the manifest again if it is ever asked for the command table after its start.
 */
async function commandToRun (argv: string[], root: string): Promise<{ _run (): Promise<unknown> } | undefined> {
  if (argv[0] === undefined || !FAST_RUN_FIRST_WORDS.has(argv[0])) return undefined
  const pjson = parseOnce<PackageJson>(join(root, 'package.json'))
  if (!pjson || !canAnswer(pjson) || pjson.oclif.topicSeparator !== ' ') return undefined
  // As oclif's main.run: a help flag before `--` shows help instead.
  const { help } = helpAndVersionFlags(pjson)
  if (beforeDashes(argv).some(arg => help.has(arg))) return undefined
  const manifestPath = join(root, 'oclif.manifest.json')
  const manifest = parseOnce<Manifest>(manifestPath)
  if (!manifest?.commands || manifest.version !== pjson.version) return undefined
  const found = fastRunId(argv, manifest.commands)
  if (!found) return undefined
  const { id, words } = found
  const entry = manifest.commands[id]!
  if (Object.values(manifest.commands).some(command => command.aliases?.length || command.hiddenAliases?.length)) return undefined
  const { relativePath } = entry
  if (!Array.isArray(relativePath) || !relativePath.every(part => typeof part === 'string')) return undefined
  interface Runnable { id?: string, prototype: { _run?: unknown } }
  let Command: (Runnable & (new (argv: string[], config: unknown) => { _run (): Promise<unknown> })) | undefined
  try {
    // Its bundle (dist/bundle) when bin/run.js mapped this process's imports to the bundles.
    const url = bundledCommand(id) ?? pathToFileURL(join(root, ...relativePath as string[])).href
    Command = (await import(url) as { default?: typeof Command }).default
  } catch {
    // oclif loads it again and reports why it fails, in its own words.
    return undefined
  }
  if (typeof Command !== 'function' || typeof Command.prototype._run !== 'function') return undefined
  // What oclif's plugin loader sets on the class it hands to Config.runCommand.
  Command.id = id
  // The table read at the command's start (oclif's warnIfCommandDeprecated) comes from the
  // manifest parsed here; a later read parses the file again.
  let parsed: Record<string, ManifestCommand> | undefined = manifest.commands
  const commandsOf = () => {
    const commands = parsed ?? parseJson<Manifest>(readText(manifestPath))?.commands ?? {}
    parsed = undefined
    return commands
  }
  const config = new StaticConfig(pjson, commandsOf, root, { keep: false })
  texts.clear()
  values.clear()
  return new Command(argv.slice(words), config)
}

/**
 * Starts the hash worker at once for a command that will hash, so the V8 isolate boots on
 * another core while the rest loads (the commands call warmUpHasher again: harmless); for
 * `create FILE` and `publish MEDIA` it starts hashing that file too (early-hash.ts; for
 * publish with its SHA-256), and for a FILE or MEDIA of at most 8 MiB (128 MiB on a busy
 * machine: small-input.ts), which is hashed without workers, it starts none. An idle worker does not keep the process alive, so a
 * command that fails early still exits. Resolves once the workers were started, so they
 * get going before the command's loading takes this thread.
 */
export async function warmUpFor (argv: string[], root: string): Promise<void> {
  if (!runsHashingCommand(argv)) return
  try {
    const command = argv[0]
    const [{ hashWorkers }, { hashAloneWhenBusy, isSmallFile }, { createInput }] = await Promise.all([import('../src/torrent/hash-pool.js'), import('../src/torrent/small-input.js'), import('./early-hash.js')])
    // As bin/run.js's guess did (hashing-command.ts): on a busy machine a file up to
    // BUSY_SMALL_INPUT is hashed on this thread alone, and nothing starts early for it.
    if (command === 'create' || command === 'publish') hashAloneWhenBusy()
    const manifest = parseOnce<{ commands: Record<string, { flags?: Record<string, ManifestFlag> }> }>(join(root, 'oclif.manifest.json'))
    const found = command === 'create' || command === 'publish' ? createInput(argv, manifest?.commands?.[command]?.flags ?? {}) : undefined
    // A small file is hashed on the command's thread alone: no worker to boot for it.
    if (found && isSmallFile(found.input)) return
    // The worker before the modules that hash: its isolate boots (30-60 ms of CPU) on the
    // other core while this thread goes on. The thread bin/run.js started from its own guess
    // (hashing-command.ts), if it did, is the one taken here.
    hashWorkers()
    if (found) {
      const [{ startEarlyHash }, { parsePieceLength }] = await Promise.all([import('../src/torrent/hash-lanes.js'), import('../src/torrent/piece-length.js')])
      // publish hashes MEDIA with SHA-256 too, at the piece length chosen for its size
      // (src/show/publish.ts), unless it rewrites an MP4 moov-first: then the early
      // job does not match and is stopped.
      if (command === 'publish') {
        startEarlyHash(found.input, undefined, { sha256: true })
        // And the copy into the show (src/show/early-copy.ts), adopted only if publish
        // copies that very file there.
        const { startEarlyCopy } = await import('../src/show/early-copy.js')
        startEarlyCopy(found.show ?? '.', found.input)
      } else startEarlyHash(found.input, found.pieceLength === undefined ? undefined : parsePieceLength(found.pieceLength))
    }
  } catch {
    // A bad piece length or input: the command reports it in its own words.
  }
}
