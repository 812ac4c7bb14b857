// `seedcast follow run` on a seed box whose library disk is nearly full (a 1 MiB tmpfs,
// mounted in a mount namespace of its own so nothing outside sees it): an episode larger
// than the free space is refused before a byte is written, with one line that says how
// much it needs; the small episode beside it is kept and recorded. Before, the large one
// was fetched until the disk was full, its partial file kept for a resume that can never
// end: the small one and follow.json could then not be written, at every poll.
// Feed and media served on 127.0.0.1; needs root (mount), as the tests run here.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { binPath, runProcess } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { tempDir } from '../helpers/tmp.ts'
import { handFeed, mediaBytes } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

// Inside the namespace: mount, follow, run once, then what is on the disk and what follow records.
const SCRIPT = `set -e
mkdir -p "$LIB"
mount -t tmpfs -o size=1m tmpfs "$LIB"
"$NODE" "$BIN" follow add "$FEED" --dir "$LIB" --allow-redistribution >/dev/null
set +e
"$NODE" "$BIN" follow run --once --dir "$LIB" --no-dht
echo "exit $?"
find "$LIB" -type f -name '*.mp3' | sed "s|$LIB/||" | sort
"$NODE" "$BIN" follow list --dir "$LIB"`

describe('seedcast follow run with a nearly full library disk', () => {
  // Never skipped: the suite runs as root (.ci/run installs packages and makes the loopback
  // namespace), and a test that skipped itself elsewhere would pass having checked nothing.
  it('refuses the episode the disk cannot hold before fetching it, and keeps the one it can', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const big = mediaBytes(1, 1_500_000)
    const small = mediaBytes(2, 64 * 1024)
    host.put('/big.mp3', big, 'audio/mpeg')
    host.put('/small.mp3', small, 'audio/mpeg')
    host.put('/feed.xml', handFeed('Full Radio', [
      { guid: 'big', title: 'Big', date: '2026-09-02T00:00:00Z', url: host.url('/big.mp3'), length: big.length },
      { guid: 'small', title: 'Small', date: '2026-09-01T00:00:00Z', url: host.url('/small.mp3'), length: small.length }
    ], 'CC-BY-4.0'), 'application/rss+xml')
    const lib = join(tmp.path, 'library')

    const result = await runProcess('unshare', ['-m', 'sh', '-c', SCRIPT], { timeoutMs: 90_000, env: { LIB: lib, NODE: process.execPath, BIN: binPath, FEED: host.url('/feed.xml') } })
    const out = result.stdout
    // The run itself ends as planned, saying with its status that an episode is left for the next poll.
    expect(out, result.stderr).toMatch(/^exit 1$/m)
    expect(result.stderr).toContain('not done: 1 episode(s) failed (full-radio: "Big" ENOSPC); the next run tries again')
    expect(result.stderr).toMatch(new RegExp(`^full-radio: "Big" failed: ${lib}/full-radio/[^:]+\\.mp3: not enough disk space: the episode needs 1\\.43 MiB, \\d+ KiB free$`, 'm'))
    expect(result.stderr).toContain('full-radio: got "Small" (64 KiB, HTTP)')
    // Only the small episode on the disk, no partial file of the big one, and follow has it.
    expect(out.split('\n').filter(line => line.endsWith('.mp3'))).toEqual([expect.stringMatching(/^full-radio\/[^/]+small[^/]*\/[^/]+\.mp3$/)])
    expect(out).toMatch(/full-radio\s+1 episode/)
  })
})
