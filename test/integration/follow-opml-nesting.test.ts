// `seedcast follow import` of an OPML list whose folders nest deeply (an export from an app
// that keeps folders in folders, or a list edited by hand): every feed in it is followed, the
// deepest too, in the list's order; feeds served on 127.0.0.1.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { tempDir } from '../helpers/tmp.ts'
import { handFeed } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('seedcast follow import of nested OPML folders', () => {
  it('follows a feed 40 folders deep as well as the ones beside and after it', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    for (const name of ['shallow', 'deep', 'after']) host.put(`/${name}.xml`, handFeed(`${name} radio`, [], 'CC-BY-4.0'), 'application/rss+xml')
    const depth = 40
    const outline = (name: string) => `<outline text="${name}" type="rss" xmlUrl="${host.url(`/${name}.xml`)}"/>`
    const folders = '<outline text="folder">'.repeat(depth) + outline('deep') + '</outline>'.repeat(depth)
    const opml = join(tmp.path, 'subs.opml')
    await writeFile(opml, `<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>${outline('shallow')}${folders}${outline('after')}</body></opml>`)

    const imported = await runCli(['follow', 'import', opml, '--dir', join(tmp.path, 'library')], { timeoutMs: 60_000 })
    expect(imported.stderr).toBe('')
    expect(imported.code).toBe(0)
    expect(imported.stdout).toBe('following shallow radio\nfollowing deep radio\nfollowing after radio\n3 feed(s) added, 0 failed\n')
  })
})
