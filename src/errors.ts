import { isUtf8 } from 'node:buffer'
import { readdirSync } from 'node:fs'
import { basename, dirname } from 'node:path'

/**
 * Every error code seedcast reports, defined once: the shape of its message and the exit
 * code of a command that stops on it (as fastify's lib/errors.js or imdl's Error). Library
 * functions throw SeedcastError with one of these codes; seeding warnings use the same
 * codes. `shape` is the form every message of the code takes (`<...>` is filled in).
 *
 * The library speaks of its options, not of command-line flags: a message or hint names
 * an option as `name` in backticks (e.g. `baseUrl`), and the commands show it as their
 * flag (`--base-url`); see cli/error-view.ts.
 *
 * Exit codes: 1 for a problem with the input or the world, 2 for a command called wrongly
 * (usage), 70 for a bug, 130 for an interrupt (as a shell reports SIGINT).
 */
export const ERROR_CODES = {
  // A command called wrongly: missing, unknown or conflicting arguments, or an option
  // whose value is not valid. With ECONFIG, the only codes that exit 2.
  EUSAGE: { exitCode: 2, shape: '[`<option>`: ]<what is wrong with the arguments or the option>' },
  // The --config file of a command: flags written in a file, so a usage error too.
  ECONFIG: { exitCode: 2, shape: '<config file>: <what is wrong in it>' },

  // Files and folders (from Node's fs errors, see fileError).
  ENOENT: { exitCode: 1, shape: '<path>: no such file or directory' },
  EACCES: { exitCode: 1, shape: '<path>: permission denied (cannot <action> it)' },
  EISDIR: { exitCode: 1, shape: '<path>: is a directory, expected a file' },
  ENOTDIR: { exitCode: 1, shape: '<path>: <which part> is not a directory' },
  ENOSPC: { exitCode: 1, shape: '<path>: no space left on device | not enough disk space: <needed>, <free> free' },
  EEXIST: { exitCode: 1, shape: '<path>: already exists' },
  EIO: { exitCode: 1, shape: '<path>: cannot <action>: <reason>' },
  EINPUT: { exitCode: 1, shape: '<path>: <why it cannot be used as input>' },
  EEMPTY: { exitCode: 1, shape: '<folder>: <why there is nothing to share>' },
  ECHANGED: { exitCode: 1, shape: '<path>: changed while <what was being done>' },

  // Torrents and magnets.
  ETORRENT: { exitCode: 1, shape: '<source>: not a valid .torrent (<problem>)' },
  EMAGNET: { exitCode: 1, shape: 'not a valid magnet link: <problem>' },
  ENAME: { exitCode: 1, shape: 'invalid torrent name "<name>"' },
  EPIECELENGTH: { exitCode: 1, shape: 'piece length <value> <problem>' },
  EURL: { exitCode: 1, shape: '<invalid|unsupported> <what> URL "<url>"' },
  ESOURCE: { exitCode: 1, shape: 'unsupported source: <text>' },
  EFETCH: { exitCode: 1, shape: 'cannot fetch <url>: <reason>' },
  EHTTP: { exitCode: 1, shape: '<url>: HTTP <status> <status text>' },
  EGONE: { exitCode: 1, shape: '<url>: HTTP 410 Gone (gone: the host says the feed will not come back)' },
  EBADFEED: { exitCode: 1, shape: '<feed>: <why it is not a podcast feed>' },
  EBADOPML: { exitCode: 1, shape: '<file>: not an OPML subscription list (<problem>)' },
  ETOOBIG: { exitCode: 1, shape: '<url or path> is <size> bytes, more than the <limit> expected' },

  // Media.
  ENOTMEDIA: { exitCode: 1, shape: '<file> is not an audio or video file (<reason>)' },
  ETRUNCATED: { exitCode: 1, shape: '<file> is truncated: <what is missing>' },
  EBADIMAGE: { exitCode: 1, shape: '<image>: <why apps refuse it>' },

  // Show folders.
  ENOTSHOW: { exitCode: 1, shape: '<folder>: not a seedcast show folder (<why>)' },
  EBADSHOW: { exitCode: 1, shape: '<show.json | episodes.json>: <what is wrong in it>' },
  ELOCKED: { exitCode: 1, shape: '<folder>: the show folder is busy | lost the show folder\'s lock (<why>)' },
  ENOTOKEN: { exitCode: 1, shape: 'no token "<id or name>" | <n> tokens are named "<name>"' },
  ENOEPISODE: { exitCode: 1, shape: 'no episode "<slug or guid>" in this show' },
  EDATE: { exitCode: 1, shape: 'episode "<slug>" has an invalid pubDate: "<date>"' },

  // Following feeds.
  EBADSTATE: { exitCode: 1, shape: '<follow.json>: <what is wrong in it>' },
  ENOTFOLLOWED: { exitCode: 1, shape: 'not following <feed>' },
  ENOFEEDS: { exitCode: 1, shape: '<library folder>: no feed is followed yet' },
  EFOLLOWING: { exitCode: 1, shape: '<library folder>: another `seedcast follow run` is using it (pid <pid>)' },
  ELICENSE: { exitCode: 1, shape: '<feed>: its license (<license>) does not allow redistribution; not mirrored' },
  EINTEGRITY: { exitCode: 1, shape: '"<episode>": the bytes do not match the feed\'s podcast:integrity (<expected and got>); not kept' },

  // Serving.
  EMOUNT: { exitCode: 1, shape: '<folder> and <folder> both want the URL path <path> | <folder>: the same show folder is given twice' },
  EADDRINUSE: { exitCode: 1, shape: 'cannot listen on <where>: the port is in use' },
  ELISTEN: { exitCode: 1, shape: 'cannot listen on <where>: <reason>' },
  ESERVED: { exitCode: 1, shape: '<folder>: already served by another `seedcast serve` (pid <pid>)' },
  ESCHEDULE: { exitCode: 1, shape: 'could not publish the scheduled episode of <folder>: <reason>' },

  // Swarm: seeding and downloading.
  ESELECT: { exitCode: 1, shape: '`select` <selector>: no file of the torrent matches | `stdout` streams one file, but <n> are selected' },
  ENOPEERS: { exitCode: 1, shape: 'no peers found for <infohash> within <n> s' },
  ENOSOURCE: { exitCode: 1, shape: 'nowhere to find the metadata of <infohash>: <why no peer can be looked for>' },
  ETIMEOUT: { exitCode: 1, shape: '<what> within <n> s' },
  EDOWNLOAD: { exitCode: 1, shape: 'download failed: <reason>' },
  ENODATA: { exitCode: 1, shape: '<torrent>: data not found (<where it was looked for>) | none of the <n> torrent(s) can be seeded' },
  ECORRUPT: { exitCode: 1, shape: '<torrent>: <which data does not match the torrent>' },
  EDUPLICATE: { exitCode: 1, shape: '<torrent>: same torrent listed twice, seeded once' },
  ECLIENT: { exitCode: 1, shape: '<what the BitTorrent client reported>' },
  EPEERBANNED: { exitCode: 1, shape: 'peer <address> sent <which message> of <n> bytes (<limit>); dropped and banned for <n> min' },
  ESEED: { exitCode: 1, shape: 'not seeding: <reason>' },
  EWEBRTC: { exitCode: 1, shape: 'WebRTC seeding stopped (<signal | exit code n>[: <error>]); restarting in <n> s | WebRTC seeding is off: <reason>' },
  ENOTSEEDING: { exitCode: 1, shape: 'no running seeder is seeding <torrent>' },

  // Stops.
  EINTR: { exitCode: 130, shape: 'interrupted' },
  ECANCELLED: { exitCode: 130, shape: 'cancelled: <what was not given>' },
  EBUG: { exitCode: 70, shape: 'unexpected error: <message>' }
} as const satisfies Record<string, { exitCode: number, shape: string }>

export type ErrorCode = keyof typeof ERROR_CODES

export const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERROR_CODES, code)

export interface SeedcastErrorOptions {
  code: ErrorCode
  /** What to do about it, one short phrase. */
  hint?: string
  cause?: unknown
  /** The option (library name) the error is about; its message starts with `option`. */
  option?: string
}

/**
 * The error every seedcast library function throws for a problem the user can fix
 * (bad input, missing file, malformed torrent...). The CLI prints `message` and `hint`
 * on one line and exits with the code's exit code, never a stack trace; anything that is
 * not a SeedcastError is a bug and is reported as such.
 */
export class SeedcastError extends Error {
  readonly hint?: string
  readonly code: ErrorCode
  readonly option?: string

  constructor (message: string, options: SeedcastErrorOptions) {
    super(message, { cause: options.cause })
    this.name = new.target.name
    this.code = options.code
    this.hint = options.hint
    this.option = options.option
  }

  get exitCode (): number {
    return ERROR_CODES[this.code].exitCode
  }
}

/** An option's value is not valid (EUSAGE, exit 2): "`option`: problem". */
export function invalidOption (option: string, problem: string, hint?: string): SeedcastError {
  return new SeedcastError(`\`${option}\`: ${problem}`, { code: 'EUSAGE', option, hint })
}

/** Throws invalidOption: the one check helper of the option validators (`if (bad) invalid(...)`). */
export function invalid (option: string, problem: string, hint?: string): never {
  throw invalidOption(option, problem, hint)
}

const UNDECODABLE_HINT = 'the file is there, but its name is not UTF-8 and each \uFFFD stands for a byte seedcast cannot be given: rename the file and try again'

/**
 * Whether `path` names, by its last part, a file whose name on disk is not UTF-8: Node.js
 * hands such a command-line argument over with each bad byte as U+FFFD, a name no file has,
 * so "check the path" would send the user looking at a file that is right there.
 */
function undecodableName (path: string): boolean {
  if (!path.includes('\uFFFD')) return false
  try {
    const name = basename(path)
    return readdirSync(dirname(path), { encoding: 'buffer' }).some(entry => !isUtf8(entry) && entry.toString() === name)
  } catch {
    return false // the folder cannot be listed: the plain hint stands
  }
}

/** Turns a Node fs error on `path` into a SeedcastError that says what to do. */
export function fileError (error: unknown, path: string, action = 'read'): SeedcastError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return new SeedcastError(`${path}: no such file or directory`, { code, cause: error, hint: undecodableName(path) ? UNDECODABLE_HINT : 'check the path' })
    case 'EACCES':
    case 'EPERM':
      return new SeedcastError(`${path}: permission denied (cannot ${action} it)`, { code: 'EACCES', cause: error, hint: 'check the file permissions' })
    case 'EISDIR':
      return new SeedcastError(`${path}: is a directory, expected a file`, { code, cause: error })
    case 'ENOTDIR':
      return new SeedcastError(`${path}: a parent of this path is not a directory`, { code, cause: error })
    case 'ENOSPC':
      return new SeedcastError(`${path}: no space left on device`, { code, cause: error, hint: 'free some disk space and try again' })
    default:
      return new SeedcastError(`${path}: cannot ${action}: ${(error as Error)?.message ?? String(error)}`, { code: 'EIO', cause: error })
  }
}
