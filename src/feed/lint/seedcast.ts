import { SeedcastError } from '../../errors.js'
import { inspectTorrent, type TorrentInfo } from '../../torrent/inspect.js'
import { verifyTorrent } from '../../torrent/verify.js'
import { isHttpUrl, itemLabel, itemPath, type FeedDocument } from './document.js'
import type { Findings } from './findings.js'
import type { Resources } from './resources.js'
import { attr, child, children, type XmlNode } from './xml-tree.js'

const TORRENT_TYPE = 'application/x-bittorrent'

/** What one item offers for P2P: its magnets, its .torrent URL, its HTTP URLs and its SRI digest. */
interface P2pOffer {
  element: string
  label: string
  magnets: { uri: string, element: string }[]
  torrentUrl?: string
  httpUrls: string[]
  length?: number
  sha256?: string
}

/**
 * Checks of seedcast-style feeds (items with a .torrent or magnet source): that each magnet
 * names the same infohash as its .torrent, that sizes and web seeds agree, and with
 * `checkMedia` that the media bytes hash to the torrent's pieces and the SRI digest.
 */
export async function checkSeedcast (doc: FeedDocument, findings: Findings, resources: Resources, options: { checkMedia?: boolean }): Promise<void> {
  const offers = doc.items.map((item, index) => offerOf(doc, item, index)).filter((offer): offer is P2pOffer => offer !== undefined)
  let notLoadable = 0
  await eachLimited(offers, 4, async offer => {
    if (!await checkOffer(offer, findings, resources, options)) notLoadable++
  })
  if (notLoadable > 0) {
    findings.warning('channel/item', `${notLoadable} .torrent file${notLoadable === 1 ? ' was' : 's were'} not checked against the magnets: they cannot be read without fetching (lint the feed by URL, or from the show's public folder)`)
  }
}

function offerOf (doc: FeedDocument, item: XmlNode, index: number): P2pOffer | undefined {
  const path = itemPath(index)
  const offer: P2pOffer = { element: `${path}/podcast:alternateEnclosure`, label: itemLabel(item, index), magnets: [], httpUrls: [] }
  const enclosure = child(item, 'enclosure')
  const enclosureUrl = attr(enclosure, 'url')
  const enclosureLength = attr(enclosure, 'length')
  if (enclosureLength && /^\d+$/.test(enclosureLength)) offer.length = Number(enclosureLength)
  if (enclosureUrl && /^magnet:/i.test(enclosureUrl)) offer.magnets.push({ uri: enclosureUrl, element: `${path}/enclosure` })
  else if (isHttpUrl(enclosureUrl)) offer.httpUrls.push(enclosureUrl!)
  children(item, doc.podcast('alternateEnclosure')).forEach((alternate, n) => {
    const element = `${path}/podcast:alternateEnclosure[${n + 1}]`
    const sources = children(alternate, doc.podcast('source'))
    const isTorrent = (source: XmlNode) => attr(source, 'contentType') === TORRENT_TYPE || /\.torrent([?#]|$)/i.test(attr(source, 'uri') ?? '')
    const p2p = sources.some(source => isTorrent(source) || /^magnet:/i.test(attr(source, 'uri') ?? ''))
    if (!p2p) return
    offer.element = element
    for (const source of sources) {
      const uri = attr(source, 'uri')
      if (!uri) continue
      if (/^magnet:/i.test(uri)) offer.magnets.push({ uri, element: `${element}/podcast:source` })
      else if (isTorrent(source)) offer.torrentUrl ??= uri
      else if (isHttpUrl(uri) && !offer.httpUrls.includes(uri)) offer.httpUrls.push(uri)
    }
    const length = attr(alternate, 'length')
    if (length && /^\d+$/.test(length)) offer.length ??= Number(length)
    const sri = children(alternate, doc.podcast('integrity')).map(node => attr(node, 'value')).find(value => value?.startsWith('sha256-'))
    if (sri) offer.sha256 = sri.slice('sha256-'.length)
  })
  return offer.magnets.length > 0 || offer.torrentUrl ? offer : undefined
}

/** Returns false when the .torrent could not be read because fetching is off. */
async function checkOffer (offer: P2pOffer, findings: Findings, resources: Resources, options: { checkMedia?: boolean }): Promise<boolean> {
  const { label } = offer
  const magnets: { info: TorrentInfo, element: string }[] = []
  for (const magnet of offer.magnets) {
    try {
      magnets.push({ info: inspectTorrent(magnet.uri), element: magnet.element })
    } catch (error) {
      findings.error(magnet.element, `${label}: malformed magnet link: ${(error as Error).message}`)
    }
  }
  const hashes = new Set(magnets.map(magnet => magnet.info.infoHash))
  if (hashes.size > 1) findings.error(offer.element, `${label}: the magnet links name different infohashes (${[...hashes].join(', ')})`)

  const torrentUrl = offer.torrentUrl ?? magnets.find(magnet => magnet.info.torrentUrl)?.info.torrentUrl
  for (const { info, element } of magnets) {
    if (offer.torrentUrl && info.torrentUrl && info.torrentUrl !== offer.torrentUrl) {
      findings.warning(element, `${label}: the magnet's xs (${info.torrentUrl}) is not the .torrent source (${offer.torrentUrl})`)
    }
    for (const url of offer.httpUrls) {
      if (!info.webSeeds.includes(url)) findings.warning(element, `${label}: the magnet has no ws= web seed for ${url}; a client with no peers cannot fetch the file`)
    }
    if (offer.length !== undefined && info.length && info.length !== offer.length) {
      findings.error(element, `${label}: the magnet says ${info.length} bytes (xl), the enclosure ${offer.length}`)
    }
  }
  if (!torrentUrl) {
    findings.warning(offer.element, `${label}: no .torrent URL (a source with contentType ${TORRENT_TYPE}, or xs= in the magnet), so the magnet cannot be checked`)
    return true
  }
  if (!resources.canLoad(torrentUrl)) return false

  let torrentBytes: Buffer
  let torrent: TorrentInfo
  try {
    torrentBytes = await resources.bytes(torrentUrl)
    torrent = inspectTorrent(torrentBytes)
  } catch (error) {
    findings.error(offer.element, `${label}: ${describe(error, torrentUrl)}`)
    return true
  }
  for (const { info, element } of magnets) {
    if (info.infoHash !== torrent.infoHash) {
      findings.error(element, `${label}: the magnet's btih ${info.infoHash} does not match the infohash of ${torrentUrl} (${torrent.infoHash}); clients using the magnet would fetch other data`)
    }
  }
  if (offer.length !== undefined && torrent.length !== offer.length) {
    findings.error(offer.element, `${label}: the .torrent holds ${torrent.length} bytes, the enclosure says ${offer.length}`)
  }
  for (const url of offer.httpUrls) {
    if (!torrent.webSeeds.includes(url)) findings.warning(offer.element, `${label}: the .torrent has no web seed (url-list) for ${url}; with no peers a client cannot fetch the file`)
  }
  if (options.checkMedia) await checkMedia(offer, torrentBytes, findings, resources)
  return true
}

async function checkMedia (offer: P2pOffer, torrentBytes: Buffer, findings: Findings, resources: Resources): Promise<void> {
  const { label } = offer
  const mediaUrl = offer.httpUrls.find(url => resources.canLoad(url))
  if (!mediaUrl) {
    findings.warning(offer.element, `${label}: the media was not checked: no HTTP(S) URL that can be read`)
    return
  }
  let copy
  try {
    copy = await resources.file(mediaUrl)
  } catch (error) {
    findings.error(offer.element, `${label}: ${describe(error, mediaUrl)}`)
    return
  }
  try {
    const result = await verifyTorrent(torrentBytes, copy.path)
    if (!result.ok) {
      const file = result.files[0]
      const why = file && file.status === 'wrong-size'
        ? 'the file has the wrong size'
        : `${result.badPieces.length} of ${result.totalPieces} pieces differ`
      findings.error(offer.element, `${label}: the media at ${mediaUrl} does not match its .torrent: ${why}`)
    }
    if (offer.sha256 && copy.sha256 !== offer.sha256) {
      findings.error(offer.element, `${label}: the media's SHA-256 is sha256-${copy.sha256}, podcast:integrity says sha256-${offer.sha256}`)
    }
  } finally {
    await copy.cleanup()
  }
}

function describe (error: unknown, url: string): string {
  if (error instanceof SeedcastError) return error.message.includes(url) ? error.message : `${url}: ${error.message}`
  return `${url}: ${(error as Error).message}`
}

async function eachLimited<T> (items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!)
  })
  await Promise.all(workers)
}
