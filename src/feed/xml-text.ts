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

// A character reference to a control character (&#27;, &#x1B;) makes a document ill-formed
// (XML 1.0 allows none but tab, LF and CR), yet fast-xml-parser (so feedsmith) decodes it: a
// hostile feed's title then carried terminal escapes (ESC ]0;… sets the window title, ESC [2J
// clears the screen) into the output of import, follow and episodes list, and into show.json.
// References to C1 controls (U+0080-U+009F: allowed by XML, CSI among them) and DEL go too:
// they are controls in a terminal and text nowhere. Exactly those, so that the common
// references (&#39;, &#8217;) cost one failed match each, not a callback: a 30 MB feed is
// scanned in a few ms.
const CONTROL_REFERENCE = /&#(?:[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]|12[7-9]|1[3-5][0-9]));/g
// What XML 1.0 forbids as characters, in text decoded from bytes: no lone surrogates there
// (decoders give U+FFFD), so no look-arounds, which cost ~200 ms on 30 MB with emoji.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_DECODED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

/**
 * A feed or OPML document as read from elsewhere (decoded text), made safe to parse and to
 * print: the characters XML 1.0 forbids dropped, and references to control characters.
 */
export function dropForbiddenInput (xml: string): string {
  const kept = xml.replace(FORBIDDEN_DECODED, '')
  return kept.replace(CONTROL_REFERENCE, '')
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
