import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

describe('eslint ignores', () => {
  it('skips every folder .gitignore names (generated: npm start writes .demo/, tests test-artifacts/)', async () => {
    const folders = readFileSync(`${root}.gitignore`, 'utf8').split('\n').map(line => line.trim()).filter(line => line.endsWith('/') && !line.startsWith('#'))
    expect(folders).toContain('.demo/')
    const eslint = new ESLint({ cwd: root })
    const linted: string[] = []
    for (const folder of folders) {
      const file = `${root}${folder.replace(/^\//, '')}show/public/seedcast-sw.js`
      if (!await eslint.isPathIgnored(file)) linted.push(folder)
    }
    expect(linted).toEqual([])
    // The check itself can tell: a source file is linted.
    expect(await eslint.isPathIgnored(`${root}src/index.ts`)).toBe(false)
  })
})
