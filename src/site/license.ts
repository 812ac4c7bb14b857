import { licenseUrl } from '../feed/license.js'
import { esc } from './html.js'

/** "CC-BY-SA-4.0" → "CC BY-SA 4.0", as Creative Commons writes its licenses' names. */
export function licenseName (spdxId: string): string {
  const cc = /^CC-([A-Z-]+?)-(\d\.\d)(?:-([A-Z]{2,3}))?$/i.exec(spdxId)
  if (cc) return `CC ${cc[1]!.toUpperCase()} ${cc[2]}${cc[3] ? ` ${cc[3].toUpperCase()}` : ''}`
  const zero = /^CC0-(\d\.\d)$/i.exec(spdxId)
  if (zero) return `CC0 ${zero[1]}`
  return spdxId
}

/** The license line, linked to its deed (Creative Commons) or its text (SPDX). */
export function licenseLine (spdxId: string): string {
  return `<p class="note">Episodes licensed under <a rel="license" href="${esc(licenseUrl(spdxId))}">${esc(licenseName(spdxId))}</a>.</p>`
}
