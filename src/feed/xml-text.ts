/**
 * feedsmith's pretty printer puts each CDATA section on its own indented line, which makes the
 * indentation part of the text for readers that do not trim. This joins them back.
 */
export function tidyCdata (xml: string): string {
  return xml.replace(/>\n\s*<!\[CDATA\[/g, '><![CDATA[').replace(/\]\]>\n\s*<\//g, ']]></')
}

// Characters XML 1.0 does not allow at all (C0 controls other than tab, LF, CR; U+FFFE/U+FFFF;
// lone surrogates): dropped, since no escape can carry them.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const TEXT_SPECIAL = /[&<>]/
const ATTRIBUTE_SPECIAL = /[&<>"]/
// Most values need nothing: cheap scans decide, so 5,000-episode feeds stay fast.
// eslint-disable-next-line no-control-regex -- as above
const HAS_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/

/**
 * Drops what XML 1.0 forbids from a document feedsmith wrote: it escapes markup but passes
 * control characters through, and one in a show's title (`init --title`, a tag, a JSON Feed
 * followed) made the whole feed ill-formed, refused by every podcast app.
 */
export function dropForbiddenCharacters (xml: string): string {
  return HAS_FORBIDDEN.test(xml) ? xml.replace(FORBIDDEN, '') : xml
}

// A character reference to a character XML 1.0 forbids (&#27;, &#x1B;) makes a document
// ill-formed, yet fast-xml-parser (so feedsmith) decodes it: a hostile feed's title then
// carried terminal escapes (ESC ]0;… sets the window title, ESC [2J clears the screen) into
// the output of import, follow and episodes list, and into show.json. References to C1
// controls (U+0080-U+009F, allowed by XML but CSI among them) and DEL go too: they are
// controls in a terminal and text nowhere.
const REFERENCE = /&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));/g

function controlOrForbidden (code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0A && code !== 0x0D) || (code >= 0x7F && code <= 0x9F) ||
    (code >= 0xD800 && code <= 0xDFFF) || code === 0xFFFE || code === 0xFFFF || code > 0x10FFFF
}

/**
 * A feed or OPML document as read from elsewhere, made safe to parse: what XML 1.0 forbids
 * dropped, as characters and as character references, with references to C1 controls.
 */
export function dropForbiddenInput (xml: string): string {
  const kept = dropForbiddenCharacters(xml)
  if (!kept.includes('&#')) return kept
  return kept.replace(REFERENCE, (reference: string, hex: string | undefined, decimal: string | undefined) =>
    controlOrForbidden(hex !== undefined ? parseInt(hex, 16) : Number(decimal)) ? '' : reference)
}

/** Escapes text for element content. */
export function escapeText (value: string): string {
  const clean = HAS_FORBIDDEN.test(value) ? value.replace(FORBIDDEN, '') : value
  if (!TEXT_SPECIAL.test(clean)) return clean
  return clean.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

/** Escapes text for a double-quoted attribute value. */
export function escapeAttribute (value: string): string {
  const clean = HAS_FORBIDDEN.test(value) ? value.replace(FORBIDDEN, '') : value
  if (!ATTRIBUTE_SPECIAL.test(clean)) return clean
  return clean.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}

/** Puts pre-rendered elements before the closing tag of a document rendered without them. */
export function insertBefore (xml: string, closingTag: string, content: string): string {
  const at = xml.lastIndexOf(closingTag)
  if (at < 0) throw new Error(`rendered XML has no ${closingTag}`)
  // Keep the closing tag's own indentation: insert at the start of its line.
  const lineStart = xml.lastIndexOf('\n', at) + 1
  return xml.slice(0, lineStart) + content + xml.slice(lineStart)
}
