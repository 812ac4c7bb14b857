// Which command lines hash with src/torrent's worker pool, read from argv before the command
// loads. bin/run.js asks first thing (startHashWorkerFor), to boot the worker's thread on the
// other core while this one loads the command; fast-start.ts's warmUpFor asks again later,
// with the command's flag table, to start the workers and the early hash. bin/run.js loads
// this for every command, --version too: so it imports none of our modules up front, only
// for a command that hashes (importing the thread's module with node:worker_threads and
// the size test's took 4-5 ms at load 5-7, against about 1 ms for this file alone).
import { existsSync, statSync } from 'node:fs'

/** Commands that hash large files with the worker pool of src/torrent. */
const HASHING_COMMANDS = new Set(['create', 'publish', 'verify'])

/** Whether argv runs one of HASHING_COMMANDS, rather than asking for its help. */
export function runsHashingCommand (argv: string[]): boolean {
  return HASHING_COMMANDS.has(argv[0] ?? '') && !argv.includes('--help')
}

/**
 * Whether argv, read without the command's flag table, will want a hash worker: `verify`,
 * `create` with an argument that names a folder or a file too large to hash without
 * workers (isSmallFile: larger on a busy machine, since create and publish make this
 * process hash alone when busy, hashAloneWhenBusy), and `publish` with such a file. Only a
 * guess: which argument is the input (not a flag's value) is decided by the command.
 */
export async function wantsHashWorker (argv: string[]): Promise<boolean> {
  if (!runsHashingCommand(argv)) return false
  if (argv[0] === 'verify') return true
  const { hashAloneWhenBusy, isSmallFile } = await import('../src/torrent/small-input.js')
  // A one-shot command: on a busy machine, a file up to BUSY_SMALL_INPUT is hashed on its
  // own thread, and gets no worker.
  hashAloneWhenBusy()
  // publish's input is a file, so a folder there is --show's value, not something to hash.
  const input = (arg: string) => argv[0] === 'publish' ? statSync(arg, { throwIfNoEntry: false })?.isFile() === true : existsSync(arg)
  return argv.slice(1).some(arg => !arg.startsWith('-') && input(arg) && !isSmallFile(arg))
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
