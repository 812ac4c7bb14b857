import { APPLE_CATEGORIES, findAppleCategory, isAppleCategory } from '../apple-categories.js'
import { isFeedLanguage } from '../language.js'
import { isHttpUrl, itemLabel, itemPath, type FeedDocument } from './document.js'
import type { Findings } from './findings.js'
import { attr, child, children, text, type XmlNode } from './xml-tree.js'

/** Enclosure types Apple Podcasts lists as supported. */
const APPLE_MEDIA_TYPES = new Set(['audio/x-m4a', 'audio/mpeg', 'audio/mp4', 'audio/aac', 'video/quicktime', 'video/mp4', 'video/x-m4v', 'application/pdf'])
const EXPLICIT_VALUES = new Set(['true', 'false'])
const LEGACY_EXPLICIT_VALUES = new Set(['yes', 'no', 'clean', 'explicit'])

/**
 * Apple Podcasts' feed requirements: the tags it rejects a show without (errors) and the
 * ones it recommends (warnings), with values in the forms it accepts.
 */
export function checkApple (doc: FeedDocument, findings: Findings): void {
  checkChannel(doc, findings)
  const guids = new Map<string, number>()
  const magnets = { count: 0 }
  doc.items.forEach((item, index) => checkItem(doc, item, index, guids, magnets, findings))
  // One note for the whole feed: a p2p.xml has a magnet in every item by design.
  if (magnets.count > 0) {
    findings.warning('channel/item/enclosure', `${magnets.count} of ${doc.items.length} enclosures are magnet links: they play only in P2P-aware apps; Apple and most apps need HTTP(S) URLs (seedcast puts those in rss.xml, magnets in p2p.xml)`)
  }
}

function checkChannel (doc: FeedDocument, findings: Findings): void {
  const { channel } = doc
  if (!text(child(channel, 'title'))) findings.error('channel/title', 'missing: the show needs a title')
  if (!text(child(channel, 'description'))) findings.error('channel/description', 'missing: the show needs a description (Apple shows it on the show page)')

  const image = child(channel, doc.itunes('image'))
  const href = attr(image, 'href')
  if (!image) findings.error('channel/itunes:image', 'missing: Apple requires cover art (JPEG or PNG, square, 1400-3000 px) as <itunes:image href="...">')
  else if (!href) findings.error('channel/itunes:image', 'no href attribute: write the cover URL as <itunes:image href="https://...">')
  else if (!isHttpUrl(href)) findings.error('channel/itunes:image', `not an HTTP(S) URL: ${href}`)
  else if (!/\.(jpe?g|png)(\?.*)?$/i.test(href)) findings.warning('channel/itunes:image', `Apple accepts JPEG or PNG cover art; this URL ends in neither: ${href}`)

  const language = text(child(channel, 'language'))
  if (!language) findings.error('channel/language', 'missing: give the language as an ISO 639 code, e.g. <language>en</language>')
  else if (!isFeedLanguage(language)) findings.warning('channel/language', `not an ISO 639 / BCP 47 language code: ${language}`)

  checkCategories(doc, findings)
  checkExplicit(child(channel, doc.itunes('explicit')), 'channel/itunes:explicit', findings, true)

  if (!text(child(channel, doc.itunes('author')))) findings.warning('channel/itunes:author', 'missing: Apple shows the author under the show title')
  const owner = child(channel, doc.itunes('owner'))
  if (!owner) findings.warning('channel/itunes:owner', 'missing: Apple and directories use the owner email to verify who runs the show')
  else if (!text(child(owner, doc.itunes('email')))) findings.warning('channel/itunes:owner/itunes:email', 'missing: the owner email lets directories verify who runs the show')
  if (!text(child(channel, 'link'))) findings.warning('channel/link', 'missing: the website of the show')
  const type = text(child(channel, doc.itunes('type')))
  if (type !== undefined && type !== 'episodic' && type !== 'serial') findings.error('channel/itunes:type', `must be "episodic" or "serial", not "${type}"`)
  const self = children(channel, doc.atom('link')).find(link => attr(link, 'rel') === 'self')
  if (!self) findings.warning('channel/atom:link', 'missing rel="self": apps use it to find the feed\'s own address after a redirect')
  if (doc.items.length === 0) findings.warning('channel/item', 'no episodes: Apple does not list a show without at least one episode')
}

function checkCategories (doc: FeedDocument, findings: Findings): void {
  const categories = children(doc.channel, doc.itunes('category'))
  if (categories.length === 0) {
    findings.error('channel/itunes:category', 'missing: choose one of Apple\'s categories, e.g. <itunes:category text="Technology"/>')
    return
  }
  categories.forEach(category => {
    const name = attr(category, 'text') ?? ''
    if (!isAppleCategory(name)) {
      const known = findAppleCategory(name)
      const hint = known ? `did you mean "${known.category}"?` : `Apple's categories are: ${Object.keys(APPLE_CATEGORIES).join(', ')}`
      findings.error('channel/itunes:category', `not an Apple Podcasts category: "${name}" (${hint})`)
      return
    }
    for (const sub of children(category, doc.itunes('category'))) {
      const subName = attr(sub, 'text') ?? ''
      if (!isAppleCategory(name, subName)) {
        const choices = APPLE_CATEGORIES[name]!
        findings.error('channel/itunes:category/itunes:category', `"${subName}" is not a subcategory of "${name}"${choices.length ? ` (choose one of: ${choices.join(', ')})` : ' (it has none)'}`)
      }
    }
  })
}

function checkExplicit (node: XmlNode | undefined, element: string, findings: Findings, required: boolean): void {
  const value = text(node)
  if (value === undefined) {
    if (required) findings.error(element, 'missing: say whether the show is explicit, <itunes:explicit>true</itunes:explicit> or false')
    return
  }
  const lower = value.toLowerCase()
  if (EXPLICIT_VALUES.has(lower)) return
  if (LEGACY_EXPLICIT_VALUES.has(lower)) findings.warning(element, `"${value}" is an old form: Apple now asks for true or false`)
  else findings.error(element, `must be true or false, not "${value}"`)
}

function checkItem (doc: FeedDocument, item: XmlNode, index: number, guids: Map<string, number>, magnets: { count: number }, findings: Findings): void {
  const path = itemPath(index)
  const label = itemLabel(item, index)
  if (!text(child(item, 'title')) && !text(child(item, doc.itunes('title')))) findings.error(`${path}/title`, `missing: episode ${index + 1} has no title`)

  const enclosures = children(item, 'enclosure')
  const enclosure = enclosures[0]
  if (!enclosure) {
    findings.error(`${path}/enclosure`, `missing: ${label} has no <enclosure url length type>, so there is nothing to play`)
  } else {
    if (enclosures.length > 1) findings.warning(`${path}/enclosure`, `${label} has ${enclosures.length} enclosures; apps play only the first`)
    const url = attr(enclosure, 'url')
    const length = attr(enclosure, 'length')
    const type = attr(enclosure, 'type')
    if (!url) findings.error(`${path}/enclosure`, `${label}: the enclosure has no url`)
    else if (/^magnet:/i.test(url)) magnets.count++
    else if (!isHttpUrl(url)) findings.error(`${path}/enclosure`, `${label}: the enclosure url must be HTTP(S), not ${url}`)
    if (length === undefined || !/^\d+$/.test(length)) findings.error(`${path}/enclosure`, `${label}: the enclosure length must be the file size in bytes${length === undefined ? '' : `, not "${length}"`}`)
    if (!type) findings.error(`${path}/enclosure`, `${label}: the enclosure has no type (e.g. audio/mpeg)`)
    else if (!APPLE_MEDIA_TYPES.has(type.toLowerCase())) findings.warning(`${path}/enclosure`, `${label}: Apple Podcasts does not play ${type} (it takes audio/mpeg, audio/x-m4a, video/mp4, video/quicktime, video/x-m4v)`)
  }

  const guid = text(child(item, 'guid'))
  if (!guid) findings.error(`${path}/guid`, `missing: ${label} needs a <guid> that never changes, or apps download it again`)
  else if (guids.has(guid)) findings.error(`${path}/guid`, `${label} repeats the guid of item ${guids.get(guid)! + 1}: "${guid}"; every episode needs its own`)
  else guids.set(guid, index)

  const pubDate = text(child(item, 'pubDate'))
  if (!pubDate) findings.warning(`${path}/pubDate`, `missing: ${label} has no publication date; apps cannot sort it`)
  else if (!isRfc2822Date(pubDate)) findings.error(`${path}/pubDate`, `${label}: not an RFC 2822 date: "${pubDate}" (write e.g. "Sat, 28 Nov 2026 06:00:00 GMT")`)

  const duration = text(child(item, doc.itunes('duration')))
  if (duration === undefined) findings.warning(`${path}/itunes:duration`, `missing: ${label} has no duration`)
  else if (!/^(\d+(\.\d+)?|(\d+:)?[0-5]?\d:[0-5]\d)$/.test(duration)) findings.error(`${path}/itunes:duration`, `${label}: write the duration as seconds or [HH:]MM:SS, not "${duration}"`)

  checkExplicit(child(item, doc.itunes('explicit')), `${path}/itunes:explicit`, findings, false)
  for (const name of ['episode', 'season']) {
    const value = text(child(item, doc.itunes(name)))
    if (value !== undefined && !/^[1-9]\d*$/.test(value)) findings.error(`${path}/itunes:${name}`, `${label}: must be a whole number from 1, not "${value}"`)
  }
  const episodeType = text(child(item, doc.itunes('episodeType')))
  if (episodeType !== undefined && !['full', 'trailer', 'bonus'].includes(episodeType)) findings.error(`${path}/itunes:episodeType`, `${label}: must be full, trailer or bonus, not "${episodeType}"`)
}

function isRfc2822Date (value: string): boolean {
  return /^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s+(?:[+-]\d{4}|[A-Za-z]{1,5})$/.test(value) && !Number.isNaN(Date.parse(value))
}
