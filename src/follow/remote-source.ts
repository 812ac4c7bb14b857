/**
 * A magnet link or an http(s) URL: something `seed` fetches before it seeds. Its own
 * module, so that `seed` given local inputs only never loads the fetching code
 * (seed-sources.ts: the feed reader, the downloader, 224 modules).
 */
export function isRemoteSource (input: string): boolean {
  return /^magnet:\?/i.test(input) || /^https?:\/\//i.test(input)
}
