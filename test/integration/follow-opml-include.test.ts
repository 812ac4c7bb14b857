// `seedcast follow import` of an OPML list that includes others (OPML 2.0
// `<outline type="include" url=…>`, as a podcast network publishes its shows' list): the
// included lists are fetched and their feeds followed, a loop is read once, nesting is
// bounded, and a list that cannot be had is one line; lists and feeds served on 127.0.0.1.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { tempDir } from '../helpers/tmp.ts'
import { handFeed } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const list = (...outlines: string[]) => `<?xml version="1.0"?><opml version="2.0"><head><title>list</title></head><body>${outlines.join('')}</body></opml>`

describe('seedcast follow import of OPML inclusions', () => {
  it('follows the feeds of included lists, reads a loop once, stops past 3 levels, and reports a list it cannot have', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    for (const name of ['top', 'a', 'b', 'c', 'e']) host.put(`/${name}.xml`, handFeed(`${name} radio`, [], 'CC-BY-4.0'), 'application/rss+xml')
    const feed = (name: string) => `<outline text="${name}" type="rss" xmlUrl="${host.url(`/${name}.xml`)}"/>`
    const include = (url: string) => `<outline text="more" type="include" url="${url}"/>`
    // network.opml includes more.opml by a relative URL, which includes network.opml again (a loop).
    host.put('/lists/network.opml', list(feed('a'), include('more.opml')), 'text/x-opml')
    host.put('/lists/more.opml', list(feed('b'), include(host.url('/lists/network.opml'))), 'text/x-opml')
    // d1 → d2 → d3 → d4: d3 is 3 levels down and read; d4 is one too many.
    host.put('/d1.opml', list(include(host.url('/d2.opml'))), 'text/x-opml')
    host.put('/d2.opml', list(include(host.url('/d3.opml'))), 'text/x-opml')
    host.put('/d3.opml', list(feed('c'), include(host.url('/d4.opml'))), 'text/x-opml')
    host.put('/d4.opml', list(feed('e')), 'text/x-opml')
    const opml = join(tmp.path, 'subs.opml')
    await writeFile(opml, list(feed('top'), include(host.url('/lists/network.opml')), include('shows/other.opml'), include(host.url('/d1.opml')), include(host.url('/missing.opml'))))

    const imported = await runCli(['follow', 'import', opml, '--dir', join(tmp.path, 'library')], { timeoutMs: 60_000 })
    expect(imported.code).toBe(1)
    expect(imported.stdout).toBe('following top radio\nfollowing a radio\nfollowing b radio\nfollowing c radio\n4 feed(s) added, 3 failed\n')
    expect(imported.stderr).toBe([
      'seedcast: shows/other.opml: an included OPML list must be an absolute http(s) URL; not read',
      `seedcast: ${host.url('/missing.opml')}: HTTP 404 Not Found`,
      `seedcast: ${host.url('/d4.opml')}: included more than 3 lists deep; not read`,
      ''
    ].join('\n'))
    expect(host.requests('/lists/network.opml')).toHaveLength(1)
    expect(host.requests('/d4.opml')).toHaveLength(0)
    expect(host.requests('/e.xml')).toHaveLength(0)

    // The same file again: nothing added, and --json says so plainly (it listed the four
    // under "added", each with "added": false).
    const again = await runCli(['follow', 'import', opml, '--dir', join(tmp.path, 'library'), '--json'], { timeoutMs: 60_000 })
    expect(again.code).toBe(1)
    const json = JSON.parse(again.stdout)
    expect(json.added).toEqual([])
    expect(json.alreadyFollowed.map((feed: { title: string }) => feed.title)).toEqual(['top radio', 'a radio', 'b radio', 'c radio'])
    expect(json.alreadyFollowed.every((feed: object) => !('added' in feed))).toBe(true)
    expect(json.failed).toHaveLength(3)
    const text = await runCli(['follow', 'import', opml, '--dir', join(tmp.path, 'library')], { timeoutMs: 60_000 })
    expect(text.stdout).toBe('already following top radio\nalready following a radio\nalready following b radio\nalready following c radio\n0 feed(s) added, 4 already followed, 3 failed\n')
  })
})
