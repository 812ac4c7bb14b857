import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { repoRoot, runProcess } from '../helpers/cli.js'

const helper = pathToFileURL(`${repoRoot}/cli/exit-when-done.ts`).href

/** Runs `body` in a child Node after exitWhenDone(), with process.exit reporting its calls on stdout. */
function runWithExitWhenDone (body: string) {
  const script = `
    import { exitWhenDone } from ${JSON.stringify(helper)}
    const exit = process.exit
    process.exit = (...args) => { process.stdout.write('explicit exit\\n'); return exit.apply(process, args) }
    exitWhenDone()
    ${body}
  `
  return runProcess(process.execPath, ['--input-type=module', '-e', script])
}

describe('exitWhenDone (a one-shot command ends without Node\'s teardown)', () => {
  it('exits once the event loop is empty, keeping the exit code, the exit handlers and every byte written before', async () => {
    const result = await runWithExitWhenDone(`
      process.exitCode = 3
      process.on('exit', code => process.stdout.write('exit handler, code ' + code + '\\n'))
      setTimeout(() => { for (let i = 0; i < 64; i++) process.stdout.write(String(i).padStart(16384, '.') + '\\n') }, 20)
    `)
    expect(result.code).toBe(3)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines.slice(0, 64)).toEqual(Array.from({ length: 64 }, (_, i) => String(i).padStart(16384, '.')))
    expect(lines.slice(64)).toEqual(['explicit exit', 'exit handler, code 3'])
  })

  it('leaves the end to Node when something else listens for beforeExit, and that work still runs', async () => {
    const result = await runWithExitWhenDone(`
      let rounds = 0
      process.on('beforeExit', () => { if (rounds++ === 0) setTimeout(() => process.stdout.write('more work done\\n'), 10) })
    `)
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('more work done\n')
  })
})
