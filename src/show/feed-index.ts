import { open, stat, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { writeAtomicParts, type FileSpan, type WrittenFile } from '../atomic.js'
import type { FeedItemIndex, PreviousFeeds } from '../feed/item-reuse.js'
import { FEED_NAMES } from '../feed/render.js'
import type { ShowPaths } from '../model/paths.js'
import { withWholeFile } from '../whole-file.js'

// The feeds' item index as kept in .seedcast/feed-items.json, bound to the feed files it
// describes: the next build copies their unchanged items (src/feed/item-reuse.ts).

/** The index on disk says what the new one says (then it need not be written again). */
export function sameIndex (before: FeedItemIndex, after: FeedItemIndex): boolean {
  const same = (a: unknown, b: unknown[]) => Array.isArray(a) && a.length === b.length && a.every((value, at) => value === b[at])
  return before.context === after.context && same(before.keys, after.keys) &&
    FEED_NAMES.every(name => same(before.spans?.[name], after.spans[name]))
}

/** The index as stored: with the size and mtime of each feed file it describes. */
interface StoredFeedIndex extends FeedItemIndex {
  files: Record<string, { size: number, mtimeMs: number }>
}

/**
 * The feeds last written, open for reading, and their index, if the files are still exactly
 * those (same size and mtime as recorded after writing them): a feed edited by hand, or a
 * build killed between the feeds and the index, makes the next build render everything.
 * Not read: the items copied from them are copied file to file when the new feeds are
 * written. The caller closes the files.
 */
export async function previousFeeds (paths: ShowPaths): Promise<PreviousFeeds | undefined> {
  const stored = await withWholeFile(paths.feedIndexFile, bytes => JSON.parse(bytes.toString()) as StoredFeedIndex).catch(() => undefined)
  if (!stored?.files) return undefined
  const files = await Promise.all(FEED_NAMES.map(async name => {
    const recorded = stored.files[name]
    const handle = recorded ? await open(join(paths.publicDir, name), 'r').catch(() => undefined) : undefined
    if (!handle) return undefined
    const info = await handle.stat().catch(() => undefined)
    return { handle, same: info?.size === recorded!.size && info.mtimeMs === recorded!.mtimeMs, size: info?.size ?? 0 }
  }))
  if (files.some(file => !file?.same)) {
    await Promise.all(files.map(file => file?.handle.close()))
    return undefined
  }
  const feeds = Object.fromEntries(FEED_NAMES.map((name, at) => [name, wholeFile(files[at]!.handle, files[at]!.size)])) as PreviousFeeds['feeds']
  return { feeds, index: { context: stored.context, keys: stored.keys, spans: stored.spans } }
}

function wholeFile (file: FileHandle, size: number): FileSpan {
  return { file, start: 0, end: size }
}

/**
 * The index as saveFeedIndex stores it, but for the feed files' sizes and mtimes (known once they
 * are written): made while they are. `index` holds context, keys and spans, so its JSON is an
 * object the files are added to, last, as in StoredFeedIndex.
 */
export function feedIndexText (index: FeedItemIndex): Buffer {
  const { context, keys, spans } = index
  const text = JSON.stringify({ context, keys, spans })
  return Buffer.from(text.slice(0, -1))
}

/** A cache, so written without fsync: a torn or stale index never matches the feeds' sizes and mtimes. `text`: feedIndexText of the index. */
export async function saveFeedIndex (paths: ShowPaths, text: Buffer, written: Map<string, WrittenFile>): Promise<void> {
  const files = Object.fromEntries(await Promise.all(FEED_NAMES.map(async name => {
    const info = written.get(name) ?? await stat(join(paths.publicDir, name))
    return [name, { size: info.size, mtimeMs: info.mtimeMs }] as const
  })))
  await writeAtomicParts(paths.feedIndexFile, [text, Buffer.from(`,"files":${JSON.stringify(files)}}`)], { fsync: false })
}
