// `seedcast create FILE` spends a few hundred ms loading oclif on one core before the
// command runs, with the other core idle. This reads the command line early, with the
// create command's flag table from the committed manifest, so the hash workers can start
// on FILE at once (src/torrent/hash-lanes.ts startEarlyHash); the command later takes the
// running job over if it hashes exactly that file with that piece length. Anything this
// is unsure of (an unknown flag, two positionals) means no early start: the result is
// only ever used when it matches, so a wrong guess costs some CPU, never a wrong torrent.

/** A flag as the oclif manifest lists it. */
export interface ManifestFlag { name: string, type: string, char?: string, allowNo?: boolean }

/**
 * The input and the --piece-length text of a `create` command line (the --show text of a
 * `publish` one), or undefined when unsure.
 */
export function createInput (argv: string[], flags: Record<string, ManifestFlag>): { input: string, pieceLength?: string, show?: string } | undefined {
  const valued = new Map<string, string>()
  const switches = new Set<string>()
  for (const flag of Object.values(flags)) {
    const names = [`--${flag.name}`, ...(flag.char ? [`-${flag.char}`] : [])]
    for (const name of names) {
      if (flag.type === 'option') valued.set(name, flag.name)
      else switches.add(name)
    }
    if (flag.type === 'boolean' && flag.allowNo) switches.add(`--no-${flag.name}`)
  }
  let input: string | undefined
  let pieceLength: string | undefined
  let show: string | undefined
  const positional = (arg: string | undefined) => {
    if (input !== undefined || arg === undefined) return false
    input = arg
    return true
  }
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      if (!positional(argv[i + 1]) || i + 2 < argv.length) return undefined
      break
    }
    if (arg.startsWith('-') && arg !== '-') {
      const equals = arg.startsWith('--') ? arg.indexOf('=') : -1
      const name = equals > 0 ? arg.slice(0, equals) : arg
      const flag = valued.get(name)
      if (flag === undefined) {
        if (equals > 0 || !switches.has(name)) return undefined
        continue
      }
      const value = equals > 0 ? arg.slice(equals + 1) : argv[++i]
      if (value === undefined) return undefined
      if (flag === 'piece-length') pieceLength = value
      if (flag === 'show') show = value
      continue
    }
    if (!positional(arg)) return undefined
  }
  return input === undefined ? undefined : { input, pieceLength, show }
}
