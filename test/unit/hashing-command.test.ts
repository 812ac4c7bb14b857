import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runsHashingCommand, startHashWorkerFor, wantsHashWorker } from '../../cli/hashing-command.js'
import { SMALL_INPUT } from '../../src/torrent/small-input.js'
import { runCli } from '../helpers/cli.js'
import { takesEarlyThread } from '../helpers/early-hash-thread.js'
import { tempDir } from '../helpers/tmp.js'

let dir: Awaited<ReturnType<typeof tempDir>>
let large: string
let small: string
let folder: string
let preload: string

// Loaded into the CLI's process (node --import): records, in order, each hash worker thread
// started (by its role) and the load of hash-pool.js (warmUpFor's first step towards the
// workers), and prints the list at exit.
const RECORDER = `
import { registerHooks, syncBuiltinESMExports } from 'node:module'
import { writeSync } from 'node:fs'
import threads from 'node:worker_threads'
const events = []
const Worker = threads.Worker
threads.Worker = class extends Worker {
  constructor (url, options) {
    super(url, options)
    if (options?.workerData?.role === 'seedcast-hash-worker') events.push('hash worker thread started')
  }
}
syncBuiltinESMExports()
registerHooks({
  load (url, context, next) {
    if (url.endsWith('/src/torrent/hash-pool.js')) events.push('hash-pool.js loaded')
    return next(url, context)
  }
})
process.on('exit', () => writeSync(2, 'EVENTS ' + JSON.stringify(events) + '\\n'))
`

beforeAll(async () => {
  dir = await tempDir()
  large = join(dir.path, 'large.bin')
  small = join(dir.path, 'small.bin')
  folder = join(dir.path, 'folder')
  writeFileSync(large, Buffer.alloc(SMALL_INPUT + 1, 3))
  writeFileSync(small, Buffer.alloc(1000, 5))
  mkdirSync(folder)
  writeFileSync(join(folder, 'a.bin'), Buffer.alloc(1000, 1))
  preload = join(dir.path, 'recorder.mjs')
  writeFileSync(preload, RECORDER)
})
afterAll(() => dir.cleanup())

/** The CLI run with the recorder: its exit code and the events it recorded, in order. */
async function recordedRun (args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null, events: string[] }> {
  const { code, stderr } = await runCli(args, { env: { NODE_OPTIONS: `--import=${preload}`, ...env } })
  const line = stderr.split('\n').find(text => text.startsWith('EVENTS '))
  if (!line) throw new Error(`no events recorded (exit ${code}): ${stderr}`)
  return { code, events: JSON.parse(line.slice('EVENTS '.length)) as string[] }
}

describe('runsHashingCommand', () => {
  it('is create, publish and verify, not their help nor another command', () => {
    for (const argv of [['create', 'x'], ['publish', 'x'], ['verify', 'a', 'b']]) expect(runsHashingCommand(argv), argv.join(' ')).toBe(true)
    for (const argv of [['create', 'x', '--help'], ['verify', '--help'], ['info', 'x'], ['seed'], []]) expect(runsHashingCommand(argv), argv.join(' ')).toBe(false)
  })
})

describe('wantsHashWorker', () => {
  it('is yes for create or publish of a file over SMALL_INPUT or a folder, and for verify', async () => {
    for (const argv of [['create', large], ['create', '--private', folder, '-o', 'x.torrent'], ['publish', large, '--show', 'nowhere'], ['verify', 'a.torrent', 'here']]) {
      expect(await wantsHashWorker(argv), argv.join(' ')).toBe(true)
    }
  })

  it('is no for a small or missing input, a flag alone, help, or another command', async () => {
    for (const argv of [['create', small], ['create', join(dir.path, 'missing.bin')], ['create', `--input=${large}`], ['create', large, '--help'], ['publish', small, '--show', folder], ['info', large], []]) {
      expect(await wantsHashWorker(argv), argv.join(' ')).toBe(false)
    }
  })
})

describe('startHashWorkerFor', () => {
  it('starts the thread the hash pool takes next when argv wants one, and none otherwise', async () => {
    await startHashWorkerFor(['create', large])
    expect(await takesEarlyThread()).toBe(true)
    await startHashWorkerFor(['create', small])
    expect(await takesEarlyThread()).toBe(false)
  })
})

describe('the CLI', () => {
  it('starts the hash worker thread for create of a large file before it loads the hash pool', async () => {
    const output = join(dir.path, 'large.torrent')
    const { code, events } = await recordedRun(['create', large, '--no-date', '-o', output, '--force'])
    expect(code).toBe(0)
    expect(existsSync(output)).toBe(true)
    expect(events[0]).toBe('hash worker thread started')
    expect(events).toContain('hash-pool.js loaded')
  })

  it('on a busy machine, starts no hash worker thread for create of a file up to BUSY_SMALL_INPUT, and makes the same .torrent', async () => {
    const usual = join(dir.path, 'usual.torrent')
    const alone = join(dir.path, 'alone.torrent')
    expect((await recordedRun(['create', large, '--no-date', '-o', usual, '--force'])).code).toBe(0)
    const busy = await recordedRun(['create', large, '--no-date', '-o', alone, '--force'], { SEEDCAST_MACHINE_BUSY: '1' })
    expect(busy.code).toBe(0)
    expect(busy.events).not.toContain('hash worker thread started')
    expect(readFileSync(alone).equals(readFileSync(usual))).toBe(true)
  })

  it('on a busy machine, starts no hash worker thread for publish of a file up to BUSY_SMALL_INPUT', async () => {
    // It fails later (the folder is no show, the file no media): the thread is started first thing or never.
    const usual = await recordedRun(['publish', large, '--show', folder])
    expect(usual.events[0]).toBe('hash worker thread started')
    const busy = await recordedRun(['publish', large, '--show', folder], { SEEDCAST_MACHINE_BUSY: '1' })
    expect(busy.code).not.toBe(0)
    expect(busy.events).not.toContain('hash worker thread started')
  })

  it('starts no hash worker thread for create of a small file, nor for create --help', async () => {
    const output = join(dir.path, 'small.torrent')
    const created = await recordedRun(['create', small, '--no-date', '-o', output, '--force'])
    expect(created.code).toBe(0)
    expect(existsSync(output)).toBe(true)
    expect(created.events).not.toContain('hash worker thread started')
    const help = await recordedRun(['create', large, '--help'])
    expect(help.code).toBe(0)
    expect(help.events).toEqual([])
  })
})
