/**
 * The URL of a license's text for podcast:license, from its SPDX id: Creative Commons ids
 * point at creativecommons.org, the rest at spdx.org.
 */
export function licenseUrl (spdxId: string): string {
  const cc = /^CC-(BY(?:-NC)?(?:-ND|-SA)?)-(\d\.\d)(?:-([A-Z]{2,3}))?$/i.exec(spdxId)
  if (cc) {
    const port = cc[3] ? `${cc[3].toLowerCase()}/` : ''
    return `https://creativecommons.org/licenses/${cc[1]!.toLowerCase()}/${cc[2]}/${port}`
  }
  const zero = /^CC0-(\d\.\d)$/i.exec(spdxId)
  if (zero) return `https://creativecommons.org/publicdomain/zero/${zero[1]}/`
  return `https://spdx.org/licenses/${encodeURIComponent(spdxId)}.html`
}
