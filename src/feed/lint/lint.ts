import { readFile, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { SeedcastError, fileError } from '../../errors.js'
import { decodeFeedWithEncoding } from '../read/decode-feed.js'
import { discoveredFeed, isHtmlPage } from '../read/feed-discovery.js'
import { checkApple } from './apple.js'
import { checkChapterFiles } from './chapters.js'
import { checkCoverImage } from './cover.js'
import { checkLocalFiles } from './local-files.js'
import { readFeed, type FeedDocument } from './document.js'
import type { Finding } from './findings.js'
import { Findings } from './findings.js'
import { checkPodcastNamespace } from './podcast-namespace.js'
import { Resources, type FetchFunction } from './resources.js'
import { checkSeedcast } from './seedcast.js'
import { attr, children } from './xml-tree.js'

export interface LintOptions {
  /** How to fetch HTTP(S) URLs (the feed, torrents, chapters, media); false: never fetch. Default: global fetch. */
  fetch?: FetchFunction | false
  /** Also download each episode's media and check it against its .torrent's pieces and its SRI digest. */
  checkMedia?: boolean
  /** Per request, ms (default 30 s). */
  timeoutMs?: number
}

export interface LintReport {
  /** The file, URL, or "(xml)" for text given directly. */
  feed: string
  /** No errors (warnings allowed). */
  ok: boolean
  errors: number
  warnings: number
  findings: Finding[]
}

/**
 * Checks a podcast feed against Apple Podcasts' requirements and the Podcasting 2.0
 * namespace, and for seedcast-style feeds (items with .torrent or magnet sources) that each
 * magnet and .torrent agree, and with `checkMedia` that the media matches them.
 * `input` is RSS text, a file path, or an HTTP(S) URL (of the feed, or of a web page that
 * names it with `<link rel="alternate">`: the report's `feed` is then that feed). A feed read from a show's public
 * folder reads the torrents and media beside it rather than fetching them.
 * Rejects only when the feed itself cannot be read; everything else is a finding.
 */
export async function lintFeed (input: string, options: LintOptions = {}): Promise<LintReport> {
  const { text: xml, encoding, feed, dir } = await loadFeed(input, options)
  const findings = new Findings()
  // Read all the same (seedcast's readers decode what the document declares).
  if (encoding && encoding !== 'utf-8') findings.warning('?xml', `written in ${encoding}: Apple Podcasts asks for UTF-8, and some apps show other encodings' accented letters wrong`)
  const read = readFeed(xml)
  if ('problem' in read) {
    findings.error(read.element, read.problem)
    return report(feed, findings.list)
  }
  const doc = read.document
  checkApple(doc, findings)
  checkPodcastNamespace(doc, findings)

  const resources = new Resources({ fetch: options.fetch, timeoutMs: options.timeoutMs, local: dir ? localFolder(doc, dir) : undefined })
  checkLocalFiles(doc, findings, resources)
  await checkSeedcast(doc, findings, resources, { checkMedia: options.checkMedia })
  await checkChapterFiles(doc, findings, resources)
  await checkCoverImage(doc, findings, resources)
  return report(feed, findings.list)
}

const MAX_FEED_BYTES = 64 * 1024 * 1024

async function loadFeed (input: string, options: LintOptions): Promise<{ text: string, encoding?: string, feed: string, dir?: string }> {
  if (/^\s*</.test(input)) return { text: input, feed: '(xml)' }
  if (/^https?:\/\//i.test(input)) {
    const resources = new Resources({ fetch: options.fetch, timeoutMs: options.timeoutMs })
    if (!resources.canLoad(input)) throw new SeedcastError(`${input}: fetching is turned off`, { code: 'EFETCH', hint: 'lint a local file instead' })
    const fetchText = async (url: string) => {
      try {
        return decodeFeedWithEncoding(await resources.bytes(url, MAX_FEED_BYTES), url)
      } catch (error) {
        if (error instanceof SeedcastError) throw new SeedcastError(error.message, { code: error.code, hint: 'check the URL and that the server is up', cause: error })
        throw error
      }
    }
    const fetched = await fetchText(input)
    if (!isHtmlPage(fetched.text)) return { ...fetched, feed: input }
    // A show's web page: the feed it names is linted, as follow and import read it; the
    // report names that feed.
    const feed = discoveredFeed(fetched.text, input)
    if (!feed) throw new SeedcastError(`${input}: not a podcast feed (it is an HTML page that names no feed)`, { code: 'EBADFEED', hint: 'give the feed\'s URL' })
    return { ...await fetchText(feed), feed }
  }
  const path = resolve(input)
  let bytes: Buffer
  try {
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' })
    bytes = await readFile(path)
  } catch (error) {
    throw fileError(error, input, 'read')
  }
  return { ...decodeFeedWithEncoding(bytes, input), feed: input, dir: dirname(path) }
}

// The feed's own URL (atom:link rel="self") says where its folder is served: URLs under that
// folder are files beside the feed on disk.
function localFolder (doc: FeedDocument, dir: string): { dir: string, baseUrl: string } | undefined {
  const self = children(doc.channel, doc.atom('link')).find(link => attr(link, 'rel') === 'self')
  const href = attr(self, 'href')
  if (!href || !/^https?:\/\//i.test(href)) return undefined
  return { dir, baseUrl: href.replace(/[?#].*$/, '').replace(/[^/]*$/, '') }
}

// Channel findings first, then by item, each group in the order the checks found them.
function report (feed: string, list: Finding[]): LintReport {
  const itemOf = (finding: Finding) => Number(/^channel\/item\[(\d+)\]/.exec(finding.element)?.[1] ?? 0)
  const findings = list.map((finding, order) => ({ finding, order }))
    .sort((a, b) => (itemOf(a.finding) - itemOf(b.finding)) || (a.order - b.order))
    .map(({ finding }) => finding)
  const errors = findings.filter(finding => finding.level === 'error').length
  return { feed, ok: errors === 0, errors, warnings: findings.length - errors, findings }
}
