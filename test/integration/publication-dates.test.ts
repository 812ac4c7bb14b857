// --date of publish and episodes edit: only real ISO 8601 days and times, 1900 to 9999.
// Date's own parser let "2026-02-30" become 2 March and "12" 1 December 2001, and wrote
// "+010000-01-01" into the catalog, which the show's schema then refused on every later
// command (the show unreadable until the file was fixed by hand).
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, runCliJson } from '../helpers/cli.js'
import { fixture, tempShow, treeHash } from './publish-helpers.js'

describe('publication dates', () => {
  let tmp: { path: string, cleanup: () => Promise<void> }
  let show: string
  let slug: string
  beforeEach(async () => {
    ({ show, ...tmp } = await tempShow())
    slug = (await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--date', '2026-11-01'])).json.episode.slug
  })
  afterEach(async () => { await tmp.cleanup() })

  for (const date of ['2026-02-30', '2026-02-29', '12', '10000-01-01', '0001-01-01', '1899-12-31', '2026-11-28T24:00:00Z', '2026-11-28T09:30:00+25:00', 'Nov 28 2026']) {
    it(`refuses ${date} in publish and in episodes edit, leaving the show as it was`, async () => {
      const before = await treeHash(show)
      for (const args of [['publish', fixture('episode-2.mp3')], ['episodes', 'edit', slug]]) {
        const result = await runCli([...args, '--show', show, '--date', date])
        expect(result.code).toBe(2)
        expect(result.stderr).toMatch(new RegExp(`^seedcast: --date: "${date.replace(/[+.]/g, '\\$&')}" is (not a date|out of range)`))
        expect(result.stderr.trim().split('\n')).toHaveLength(1)
      }
      expect(await treeHash(show)).toBe(before)
      expect((await runCli(['episodes', 'list', '--show', show])).code).toBe(0)
    })
  }

  it('reads offsets, leap days, the edges of the range and local times in the zone of TZ', async () => {
    const cases: [string, string, string?][] = [
      ['2028-02-29', '2028-02-29T00:00:00.000Z'],
      ['2026-11-28T09:30:00+05:45', '2026-11-28T03:45:00.000Z'],
      ['2026-11-28T09:30:00-0330', '2026-11-28T13:00:00.000Z'],
      ['2026-11-28 09:30', '2026-11-27T19:45:00.000Z', 'Pacific/Chatham'],
      ['1969-07-20T20:17:40Z', '1969-07-20T20:17:40.000Z'],
      ['1900-01-01', '1900-01-01T00:00:00.000Z'],
      ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z']
    ]
    for (const [date, stored, zone] of cases) {
      const { result } = await runCliJson(['episodes', 'edit', slug, '--show', show, '--date', date], zone ? { env: { TZ: zone } } : {})
      expect(result.code).toBe(0)
      const catalog = JSON.parse(await readFile(join(show, 'episodes.json'), 'utf8'))
      expect(catalog.episodes[0].pubDate).toBe(stored)
    }
    expect((await runCli(['episodes', 'list', '--show', show])).code).toBe(0)
  })
})
