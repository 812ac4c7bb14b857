/**
 * A <language> as podcast apps and `feed lint` take it: an ISO 639 code of two or three
 * letters, then BCP 47 subtags of two to eight letters or digits (region, script, variant).
 * Extensions and private use (`en-u-ca-gregory`, `de-x-foo`) are well-formed BCP 47 but not
 * read by podcast apps, so `init` refuses what this refuses.
 */
export function isFeedLanguage (tag: string): boolean {
  return /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(tag)
}
