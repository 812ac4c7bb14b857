import { spawn } from 'node:child_process'
import { mkdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { withShowLock } from '../../src/show/lock.js'
import { tempDir } from '../helpers/tmp.js'

const builtLock = fileURLToPath(new URL('../../dist/src/show/lock.js', import.meta.url))

describe('withShowLock', () => {
  let dir: { path: string, cleanup: () => Promise<void> }
  beforeEach(async () => { dir = await tempDir() })
  afterEach(async () => { await dir.cleanup() })

  it('runs one holder at a time', async () => {
    let inside = 0
    let most = 0
    const order: number[] = []
    await Promise.all(Array.from({ length: 6 }, (_, n) => withShowLock(dir.path, async () => {
      inside++
      most = Math.max(most, inside)
      await new Promise(resolve => setTimeout(resolve, 30))
      order.push(n)
      inside--
    })))
    expect(most).toBe(1)
    expect(order.sort()).toEqual([0, 1, 2, 3, 4, 5])
    await expect(stat(join(dir.path, '.seedcast', 'lock'))).rejects.toThrow() // released
  })

  it('releases the lock when the holder throws', async () => {
    await expect(withShowLock(dir.path, async () => { throw new Error('boom') })).rejects.toThrow('boom')
    expect(await withShowLock(dir.path, async () => 'next')).toBe('next')
  })

  it('takes over a lock left by a SIGKILLed process once it goes stale, instead of waiting forever', { timeout: 30_000 }, async () => {
    await mkdir(join(dir.path, '.seedcast'), { recursive: true })
    const script = `import { withShowLock } from ${JSON.stringify(builtLock)}
setInterval(() => {}, 1000) // stay alive holding the lock until killed
await withShowLock(${JSON.stringify(dir.path)}, () => { process.stdout.write('locked\\n'); return new Promise(() => {}) })`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('locked')) resolve() })
      child.on('exit', code => reject(new Error(`lock holder exited early (${code})`)))
    })
    child.kill('SIGKILL')
    await new Promise(resolve => child.on('exit', resolve))
    expect((await stat(join(dir.path, '.seedcast', 'lock'))).isDirectory()).toBe(true) // left behind

    const started = Date.now()
    expect(await withShowLock(dir.path, async () => 'acquired')).toBe('acquired')
    const waited = Date.now() - started
    // Stale after 5 s without a refresh (the holder refreshed it every second until killed).
    expect(waited).toBeGreaterThan(2_500)
    expect(waited).toBeLessThan(12_000)
  })
})
