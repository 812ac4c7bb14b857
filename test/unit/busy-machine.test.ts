import { closeSync, openSync, ftruncateSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { machineIsBusy } from '../../src/torrent/busy-machine.js'
import { tempDir } from '../helpers/tmp.js'

const told = process.env.SEEDCAST_MACHINE_BUSY
afterEach(() => {
  if (told === undefined) delete process.env.SEEDCAST_MACHINE_BUSY
  else process.env.SEEDCAST_MACHINE_BUSY = told
})

let dir: Awaited<ReturnType<typeof tempDir>>
let medium: string
beforeAll(async () => {
  dir = await tempDir()
  // Past SMALL_INPUT, within BUSY_SMALL_INPUT (sparse: only its size is asked).
  medium = join(dir.path, 'medium.bin')
  const fd = openSync(medium, 'w')
  ftruncateSync(fd, 9 * 1024 * 1024)
  closeSync(fd)
})
afterAll(() => dir.cleanup())

describe('machineIsBusy', () => {
  it('says what SEEDCAST_MACHINE_BUSY says, else whether the load average reaches the core count', () => {
    process.env.SEEDCAST_MACHINE_BUSY = '1'
    expect(machineIsBusy()).toBe(true)
    process.env.SEEDCAST_MACHINE_BUSY = '0'
    expect(machineIsBusy()).toBe(false)
    delete process.env.SEEDCAST_MACHINE_BUSY
    expect(machineIsBusy()).toBe(loadavg()[0]! >= availableParallelism())
  })
})

/** A fresh copy of small-input.ts: its answers are per process, read once. */
async function freshSmallInput () {
  vi.resetModules()
  return await import('../../src/torrent/small-input.js')
}

describe('small-input.ts on a busy machine', () => {
  it('keeps the usual limit in a process that did not ask to hash alone (a seeder, a server)', async () => {
    process.env.SEEDCAST_MACHINE_BUSY = '1'
    const { SMALL_INPUT, isSmallFile, smallInputLimit } = await freshSmallInput()
    expect(smallInputLimit()).toBe(SMALL_INPUT)
    expect(isSmallFile(medium)).toBe(false)
  })

  it('hashes up to BUSY_SMALL_INPUT alone in a one-shot command, and only when busy', async () => {
    process.env.SEEDCAST_MACHINE_BUSY = '1'
    const busy = await freshSmallInput()
    busy.hashAloneWhenBusy()
    expect(busy.smallInputLimit()).toBe(busy.BUSY_SMALL_INPUT)
    expect(busy.isSmallFile(medium)).toBe(true)
    process.env.SEEDCAST_MACHINE_BUSY = '0'
    const idle = await freshSmallInput()
    idle.hashAloneWhenBusy()
    expect(idle.smallInputLimit()).toBe(idle.SMALL_INPUT)
    expect(idle.isSmallFile(medium)).toBe(false)
  })

  it('reads the load once, so every part of a command answers alike', async () => {
    process.env.SEEDCAST_MACHINE_BUSY = '1'
    const { BUSY_SMALL_INPUT, hashAloneWhenBusy, smallInputLimit } = await freshSmallInput()
    hashAloneWhenBusy()
    expect(smallInputLimit()).toBe(BUSY_SMALL_INPUT)
    process.env.SEEDCAST_MACHINE_BUSY = '0'
    expect(smallInputLimit()).toBe(BUSY_SMALL_INPUT)
  })
})
