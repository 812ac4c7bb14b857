import { isHttpUrl, itemLabel, itemPath, type FeedDocument } from './document.js'
import type { Findings } from './findings.js'
import { attr, child, children, text, type XmlNode } from './xml-tree.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i
const SRI = /^(sha256|sha384|sha512)-[A-Za-z0-9+/]+={0,2}$/
const SRI_LENGTHS: Record<string, number> = { sha256: 44, sha384: 64, sha512: 88 }
const MEDIUMS = new Set(['podcast', 'music', 'video', 'film', 'audiobook', 'newsletter', 'blog', 'publisher', 'course',
  'mixed', 'podcastL', 'musicL', 'videoL', 'filmL', 'audiobookL', 'newsletterL', 'blogL', 'publisherL', 'courseL'])

/** The Podcasting 2.0 namespace (podcastindex.org/namespace/1.0): the tags seedcast writes, checked against the spec. */
export function checkPodcastNamespace (doc: FeedDocument, findings: Findings): void {
  const { channel } = doc
  const guid = text(child(channel, doc.podcast('guid')))
  if (guid === undefined) findings.warning('channel/podcast:guid', 'missing: a podcast:guid (UUIDv5 of the feed URL) keeps the show\'s identity when the feed moves')
  else if (!UUID.exec(guid)) findings.error('channel/podcast:guid', `not a UUID: "${guid}"`)
  else if (UUID.exec(guid)![1] !== '5') findings.warning('channel/podcast:guid', `the spec asks for a UUIDv5 (of the feed URL without scheme); "${guid}" is version ${UUID.exec(guid)![1]}`)

  const locked = child(channel, doc.podcast('locked'))
  if (locked) {
    const value = text(locked)
    if (value !== 'yes' && value !== 'no') findings.error('channel/podcast:locked', `must be yes or no, not "${value}"`)
    if (!attr(locked, 'owner')) findings.warning('channel/podcast:locked', 'no owner attribute: give the owner email so platforms can confirm a move')
  }
  const license = child(channel, doc.podcast('license'))
  if (license && !text(license)) findings.error('channel/podcast:license', 'empty: give an SPDX license id (e.g. CC-BY-SA-4.0)')
  if (license && attr(license, 'url') !== undefined && !isHttpUrl(attr(license, 'url'))) findings.error('channel/podcast:license', `url is not an HTTP(S) URL: ${attr(license, 'url')}`)
  for (const funding of children(channel, doc.podcast('funding'))) {
    if (!isHttpUrl(attr(funding, 'url'))) findings.error('channel/podcast:funding', `url must be an HTTP(S) URL, not "${attr(funding, 'url') ?? ''}"`)
  }
  const medium = text(child(channel, doc.podcast('medium')))
  if (medium !== undefined && !MEDIUMS.has(medium)) findings.error('channel/podcast:medium', `unknown medium "${medium}" (e.g. podcast, music, video, audiobook)`)

  doc.items.forEach((item, index) => checkItem(doc, item, index, findings))
}

function checkItem (doc: FeedDocument, item: XmlNode, index: number, findings: Findings): void {
  const path = itemPath(index)
  const label = itemLabel(item, index)
  const chapters = child(item, doc.podcast('chapters'))
  if (chapters) {
    const url = attr(chapters, 'url')
    const type = attr(chapters, 'type')
    if (!isHttpUrl(url)) findings.error(`${path}/podcast:chapters`, `${label}: url must be an HTTP(S) URL, not "${url ?? ''}"`)
    if (!type) findings.error(`${path}/podcast:chapters`, `${label}: no type (JSON chapters are application/json+chapters)`)
    else if (type !== 'application/json+chapters') findings.warning(`${path}/podcast:chapters`, `${label}: type "${type}": apps read JSON chapters, type application/json+chapters`)
  }
  for (const transcript of children(item, doc.podcast('transcript'))) {
    if (!isHttpUrl(attr(transcript, 'url'))) findings.error(`${path}/podcast:transcript`, `${label}: url must be an HTTP(S) URL`)
    if (!attr(transcript, 'type')) findings.error(`${path}/podcast:transcript`, `${label}: no type (e.g. text/vtt)`)
  }

  const alternates = children(item, doc.podcast('alternateEnclosure'))
  if (alternates.filter(alternate => attr(alternate, 'default') === 'true').length > 1) {
    findings.warning(`${path}/podcast:alternateEnclosure`, `${label}: more than one alternateEnclosure says default="true"`)
  }
  alternates.forEach((alternate, n) => {
    const element = `${path}/podcast:alternateEnclosure[${n + 1}]`
    if (!attr(alternate, 'type')) findings.error(element, `${label}: no type (the media type, e.g. audio/mpeg)`)
    const length = attr(alternate, 'length')
    if (length !== undefined && !/^\d+$/.test(length)) findings.error(element, `${label}: length must be bytes, not "${length}"`)
    const isDefault = attr(alternate, 'default')
    if (isDefault !== undefined && isDefault !== 'true' && isDefault !== 'false') findings.error(element, `${label}: default must be true or false, not "${isDefault}"`)
    const sources = children(alternate, doc.podcast('source'))
    if (sources.length === 0) findings.error(`${element}/podcast:source`, `${label}: an alternateEnclosure needs at least one <podcast:source uri="...">`)
    sources.forEach(source => {
      const uri = attr(source, 'uri')
      if (!uri) findings.error(`${element}/podcast:source`, `${label}: a source has no uri`)
      else if (!/^[a-z][a-z0-9+.-]*:/i.test(uri)) findings.error(`${element}/podcast:source`, `${label}: not an absolute URI: ${uri}`)
    })
    for (const integrity of children(alternate, doc.podcast('integrity'))) checkIntegrity(integrity, `${element}/podcast:integrity`, label, findings)
  })
}

function checkIntegrity (integrity: XmlNode, element: string, label: string, findings: Findings): void {
  const type = attr(integrity, 'type')
  const value = attr(integrity, 'value')
  if (type !== 'sri' && type !== 'pgp-signature') {
    findings.error(element, `${label}: type must be sri or pgp-signature, not "${type ?? ''}"`)
    return
  }
  if (!value) {
    findings.error(element, `${label}: no value`)
    return
  }
  if (type === 'sri') {
    const match = SRI.exec(value)
    if (!match) findings.error(element, `${label}: not a Subresource Integrity value (sha256-<base64>): "${value}"`)
    else if (value.length - match[1]!.length - 1 !== SRI_LENGTHS[match[1]!]) findings.error(element, `${label}: the ${match[1]} digest has the wrong length for base64`)
  }
}
