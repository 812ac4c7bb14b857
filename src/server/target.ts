/** A request target's path (still percent-encoded) and its query with the "?" ("" when none). */
export function splitTarget (url: string): { path: string, query: string } {
  const end = url.search(/[?#]/)
  return end < 0 ? { path: url, query: '' } : { path: url.slice(0, end), query: url.slice(end) }
}

/**
 * A URL path decoded and normalised to Unicode NFC, the form mount paths and request
 * paths are compared in: "/shows/%74ea/" is "/shows/tea/", and a base URL typed with
 * "thé" (any normalisation) matches a request for "th%C3%A9". Paths that do not decode are
 * refused before routing (request-guard), so they are kept as they are here.
 */
export function decodedPath (path: string): string {
  try {
    return decodeURIComponent(path).normalize('NFC')
  } catch {
    return path
  }
}

/**
 * The origin-form of an absolute-form request target (RFC 9112 section 3.2.2), which a
 * client talking to a proxy sends and a server must accept: "http://host/rss.xml" is
 * "/rss.xml". Any other target is returned as it is.
 */
export function originForm (url: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)
  if (!match) return url
  const rest = url.slice(match[0].length)
  return rest.startsWith('/') ? rest : `/${rest}`
}
