import { isHttpUrl, itemLabel, itemPath, type FeedDocument } from './document.js'
import type { Findings } from './findings.js'
import type { Resources } from './resources.js'
import { attr, child, children } from './xml-tree.js'

/**
 * For a feed read from a show's public folder: every file the feed names under the folder's
 * URL (cover, media, .torrent, chapters, transcript, episode art) must be there, since that
 * folder is what gets served or copied to the host. A missing one is an error; it is never
 * fetched from the network instead.
 */
export function checkLocalFiles (doc: FeedDocument, findings: Findings, resources: Resources): void {
  const missing = (url: string | undefined): boolean => !!url && isHttpUrl(url) && resources.isMissingLocally(url)
  const report = (element: string, what: string, url: string) =>
    findings.error(element, `${what} ${resources.localName(url)} is missing from ${resources.localDir()} (restore it, or remove the episode and publish it again)`)

  const cover = attr(child(doc.channel, doc.itunes('image')), 'href')
  if (missing(cover)) report('channel/itunes:image', 'the cover', cover!)

  doc.items.forEach((item, index) => {
    const path = itemPath(index)
    const label = itemLabel(item, index)
    const enclosure = attr(child(item, 'enclosure'), 'url')
    if (missing(enclosure)) report(`${path}/enclosure`, `${label}: the media`, enclosure!)
    for (const alternate of children(item, doc.podcast('alternateEnclosure'))) {
      for (const source of children(alternate, doc.podcast('source'))) {
        const uri = attr(source, 'uri')
        if (uri !== enclosure && missing(uri)) report(`${path}/podcast:alternateEnclosure`, `${label}: ${/\.torrent$/i.test(uri!) ? 'the .torrent' : 'the media'}`, uri!)
      }
    }
    const chapters = attr(child(item, doc.podcast('chapters')), 'url')
    if (missing(chapters)) report(`${path}/podcast:chapters`, `${label}: the chapters`, chapters!)
    for (const transcript of children(item, doc.podcast('transcript'))) {
      const url = attr(transcript, 'url')
      if (missing(url)) report(`${path}/podcast:transcript`, `${label}: the transcript`, url!)
    }
    const art = attr(child(item, doc.itunes('image')), 'href')
    if (missing(art)) report(`${path}/itunes:image`, `${label}: the episode art`, art!)
  })
}
