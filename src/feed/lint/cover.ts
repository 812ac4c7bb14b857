import { imageSize } from '../../media/image-size.js'
import { isHttpUrl, type FeedDocument } from './document.js'
import type { Findings } from './findings.js'
import type { Resources } from './resources.js'
import { attr, child } from './xml-tree.js'

/** Apple's cover art rule, checked on the image itself when it can be read: JPEG or PNG, square, 1400-3000 px. */
export async function checkCoverImage (doc: FeedDocument, findings: Findings, resources: Resources): Promise<void> {
  const href = attr(child(doc.channel, doc.itunes('image')), 'href')
  if (!href || !isHttpUrl(href) || !resources.canLoad(href)) return
  let data: Buffer
  try {
    data = await resources.bytes(href, 32 * 1024 * 1024)
  } catch (error) {
    findings.error('channel/itunes:image', (error as Error).message)
    return
  }
  const size = imageSize(data)
  if (!size) {
    findings.error('channel/itunes:image', `${href} is not a JPEG or PNG image; Apple accepts only those`)
    return
  }
  const { width, height } = size
  if (width !== height) findings.error('channel/itunes:image', `the cover is ${width}x${height} px; Apple wants it square`)
  if (Math.max(width, height) > 3000 || Math.min(width, height) < 1400) {
    findings.error('channel/itunes:image', `the cover is ${width}x${height} px; Apple wants 1400x1400 to 3000x3000`)
  }
}
