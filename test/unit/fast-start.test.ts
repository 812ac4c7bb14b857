import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { binPath, repoRoot } from '../helpers/cli.js'

// bin/run.js answers --version and help from the manifest (cli/fast-start.ts) without
// oclif's Config.load. These runs hold it to oclif's own rendering, byte for byte, at
// several widths and with colour forced on. (This oclif has no `help` command: `seedcast help`
// is an unknown command there, so it is left to oclif too.)
const fastStartUrl = new URL('../../dist/cli/fast-start.js', import.meta.url).href
const fastOnly = `import(${JSON.stringify(fastStartUrl)}).then(({ fastStart }) => fastStart(process.argv.slice(1), ${JSON.stringify(repoRoot)})).then(handled => { if (!handled) process.exitCode = 3 })`
const oclifOnly = `import('@oclif/core').then(({ execute }) => execute({ dir: ${JSON.stringify(binPath)}, args: process.argv.slice(1) }))`

function run (script: string, args: string[], env: NodeJS.ProcessEnv) {
  const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, OCLIF_COLUMNS: _columns, ...base } = process.env
  const result = spawnSync(process.execPath, ['-e', script, '--', ...args], { cwd: repoRoot, env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const answered = [
  ['--version'],
  [],
  ['--help'],
  ['create', '--help'],
  ['publish', '--help'],
  ['get', 'x', '--help'],
  ['feed'],
  ['feed', '--help'],
  ['episodes'],
  ['feed', 'build', '--help'],
  ['episodes', 'edit', '--help']
]

const environments: [string, NodeJS.ProcessEnv][] = [
  ['80 columns, no colour', {}],
  ['52 columns', { OCLIF_COLUMNS: '52' }],
  ['160 columns, colour forced', { OCLIF_COLUMNS: '160', FORCE_COLOR: '1' }]
]

describe('the fast start (version and help without oclif\'s plugin loading)', () => {
  for (const [label, env] of environments) {
    it(`prints what oclif prints, ${label}`, () => {
      for (const args of answered) {
        const fast = run(fastOnly, args, env)
        const oclif = run(oclifOnly, args, env)
        expect(fast.code, `fast start did not answer: ${args.join(' ')} ${fast.stderr}`).toBe(0)
        expect(oclif.code).toBe(0)
        expect(fast.stdout.length).toBeGreaterThan(20)
        expect(fast.stdout, `seedcast ${args.join(' ')}`).toBe(oclif.stdout)
        expect(fast.stderr).toBe(oclif.stderr)
      }
    })
  }

  it('leaves commands, unknown commands and unknown topics to oclif', () => {
    for (const args of [['create', 'x'], ['nosuch', '--help'], ['feed', 'nosuch'], ['help'], ['help', 'create'], ['--', '--help']]) {
      const fast = run(fastOnly, args, {})
      expect(fast.code, args.join(' ')).toBe(3)
      expect(fast.stdout).toBe('')
    }
  })

  it('gives the same output and exit code through bin/run.js as through oclif, answered or not', () => {
    for (const args of [['--version'], ['create', '--help'], ['feed'], ['nosuch', '--help'], ['create']]) {
      const bin = spawnSync(process.execPath, [binPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 })
      const oclif = run(oclifOnly, args, { NO_COLOR: '1' })
      expect(bin.stdout, args.join(' ')).toBe(oclif.stdout)
      expect(bin.status, args.join(' ')).toBe(oclif.code)
    }
  })
})
