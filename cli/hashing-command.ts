// Which command lines hash with src/torrent's worker pool, read from argv before the command
// loads. bin/run.js asks first thing (startHashWorkerFor), to boot the worker's thread on the
// other core while this one loads the command; fast-start.ts's warmUpFor asks again later,
// with the command's flag table, to start the workers and the early hash. bin/run.js loads
// this for every command, --version too: so it imports none of our modules up front, only
// for a command that hashes (importing the thread's module with node:worker_threads and
// the size test's took 4-5 ms at load 5-7, against about 1 ms for this file alone).
import { existsSync } from 'node:fs'

/** Commands that hash large files with the worker pool of src/torrent. */
const HASHING_COMMANDS = new Set(['create', 'publish', 'verify'])

/** Whether argv runs one of HASHING_COMMANDS, rather than asking for its help. */
export function runsHashingCommand (argv: string[]): boolean {
  return HASHING_COMMANDS.has(argv[0] ?? '') && !argv.includes('--help')
}

/**
 * Whether argv, read without the command's flag table, will want a hash worker: `verify`,
 * and `create` or `publish` with an argument that names a folder or a file too large to
 * hash without workers (isSmallFile). Only a guess: which argument is the input (not a
 * flag's value) is decided by the command.
 */
export async function wantsHashWorker (argv: string[]): Promise<boolean> {
  if (!runsHashingCommand(argv)) return false
  if (argv[0] === 'verify') return true
  const { isSmallFile } = await import('../src/torrent/small-input.js')
  return argv.slice(1).some(arg => !arg.startsWith('-') && existsSync(arg) && !isSmallFile(arg))
}

/**
 * Starts the hash worker's thread now when argv wants one (the pool adopts it). A wrong
 * guess costs the thread's boot, nothing else (startHashWorkerEarly).
 */
export async function startHashWorkerFor (argv: string[]): Promise<void> {
  if (!runsHashingCommand(argv)) return
  const [wanted, { startHashWorkerEarly }] = await Promise.all([wantsHashWorker(argv), import('../src/torrent/hash-worker-thread.js')])
  if (wanted) startHashWorkerEarly()
}
