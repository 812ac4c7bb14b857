import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { repoRoot, runProcess } from '../helpers/cli.js'
import { tempDir, withTemp } from '../helpers/tmp.js'

const helper = pathToFileURL(`${repoRoot}/cli/exit-when-done.ts`).href

/**
 * Runs `body` in a child Node after exitWhenDone(), process.exit noting its calls in `events`
 * (a file: what a process writes to its stdout at exit may be lost when the reader is slow,
 * with or without this helper, since stdout to a pipe is asynchronous on Linux once full).
 */
function runWithExitWhenDone (events: string, body: string) {
  const script = `
    import { appendFileSync } from 'node:fs'
    import { exitWhenDone } from ${JSON.stringify(helper)}
    const note = text => appendFileSync(${JSON.stringify(events)}, text + '\\n')
    const exit = process.exit
    process.exit = (...args) => { note('explicit exit'); return exit.apply(process, args) }
    exitWhenDone()
    ${body}
  `
  return runProcess(process.execPath, ['--input-type=module', '-e', script])
}

const noted = (events: string) => readFile(events, 'utf8').then(text => text.trimEnd().split('\n'), () => [])

describe('exitWhenDone (a one-shot command ends without Node\'s teardown)', () => {
  it('exits once the event loop is empty, keeping the exit code, the exit handlers and every byte written before', () => withTemp(tempDir(), async dir => {
    const events = join(dir.path, 'events')
    const result = await runWithExitWhenDone(events, `
      process.exitCode = 3
      process.on('exit', code => note('exit handler, code ' + code))
      setTimeout(() => { for (let i = 0; i < 64; i++) process.stdout.write(String(i).padStart(16384, '.') + '\\n') }, 20)
    `)
    expect(result.code).toBe(3)
    // Written while the command ran: every byte arrived, though the exit came as soon as the loop was empty.
    expect(result.stdout).toBe(Array.from({ length: 64 }, (_, i) => String(i).padStart(16384, '.') + '\n').join(''))
    expect(await noted(events)).toEqual(['explicit exit', 'exit handler, code 3'])
  }))

  it('leaves the end to Node when something else listens for beforeExit, and that work still runs', () => withTemp(tempDir(), async dir => {
    const events = join(dir.path, 'events')
    const result = await runWithExitWhenDone(events, `
      let rounds = 0
      process.on('beforeExit', () => { if (rounds++ === 0) setTimeout(() => process.stdout.write('more work done\\n'), 10) })
    `)
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('more work done\n')
    expect(await noted(events)).toEqual([])
  }))
})
