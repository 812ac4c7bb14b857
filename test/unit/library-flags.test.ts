import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeError } from '../../cli/error-view.js'
import { SeedcastError } from '../../src/errors.js'
import { repoRoot } from '../helpers/cli.js'

// The library speaks of its options (`maxEpisodeBytes`), never of command-line flags: a
// script calling it has no flags, and the commands name them (cli/error-view.ts).

/** Lines of src/ that build an error (message or hint) and name a --flag in it. */
async function flagsInErrors (): Promise<string[]> {
  const found: string[] = []
  const files = (await readdir(join(repoRoot, 'src'), { recursive: true })).filter(file => file.endsWith('.ts'))
  for (const file of files) {
    const lines = (await readFile(join(repoRoot, 'src', file), 'utf8')).split('\n')
    lines.forEach((line, index) => {
      if (/^\s*(\/\/|\*)/.test(line)) return
      if (!/SeedcastError\(|invalidOption\(|invalid\(|hint:/.test(line)) return
      // (`--help` names no option: pointing to a command's manual is fine.)
      if (/['"`][^'"`]*(^|[\s(])--(?!help\b)[a-z][a-z-]+/.test(line)) found.push(`src/${file}:${index + 1}: ${line.trim()}`)
    })
  }
  return found
}

describe('library errors name options, not flags', () => {
  it('no error message or hint in src/ names a --flag', async () => {
    expect(await flagsInErrors()).toEqual([])
  })

  it('the commands show each option as their flag', () => {
    const tooBig = new SeedcastError('"Ep 1": 9 bytes, more than the 8 allowed', { code: 'ETOOBIG', hint: 'raise `maxEpisodeBytes` to take it' })
    expect(describeError(tooBig, { maxEpisodeBytes: '--max-episode-size' }).hint).toBe('raise --max-episode-size to take it')
    const license = new SeedcastError('x: its license does not allow redistribution', { code: 'ELICENSE', hint: 'or `allowRedistribution` if the author allowed you' })
    expect(describeError(license).hint).toBe('or --allow-redistribution if the author allowed you')
  })
})
