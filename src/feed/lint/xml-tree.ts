import { XMLParser, XMLValidator } from 'fast-xml-parser'

/**
 * A parsed XML element: attributes under "@_name", text under "#text", children as arrays by
 * tag name. Raw strings everywhere (no number or boolean coercion): the linter judges values
 * exactly as written.
 */
export type XmlNode = Record<string, unknown>

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  alwaysCreateTextNode: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (_name, _path, _isLeaf, isAttribute) => !isAttribute
})

/** Parses XML, or returns why it is not well-formed (with the line). */
export function parseXml (xml: string): { root: XmlNode } | { problem: string } {
  const forbidden = forbiddenCharacter(xml)
  if (forbidden) return { problem: forbidden }
  const valid = XMLValidator.validate(xml)
  if (valid !== true) return { problem: `${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})` }
  try {
    return { root: parser.parse(xml) as XmlNode }
  } catch (error) {
    // What the validator lets through and the parser refuses: a DOCTYPE declaring external
    // entities, nesting deeper than the parser's limit.
    return { problem: error instanceof Error ? error.message : String(error) }
  }
}

// XML 1.0's Char production leaves out C0 controls but tab, LF and CR, and U+FFFE/U+FFFF.
// fast-xml-parser's validator does not check characters; libxml2, Apple and every podcast
// app refuse such a feed whole.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/

function forbiddenCharacter (xml: string): string | undefined {
  const match = FORBIDDEN_CHARACTER.exec(xml)
  if (!match) return undefined
  const before = xml.slice(0, match.index)
  const line = before.split('\n').length
  const column = match.index - before.lastIndexOf('\n')
  const code = match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
  return `character U+${code} is not allowed in XML (line ${line}, column ${column})`
}

export function children (node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name]
  return Array.isArray(value) ? value as XmlNode[] : []
}

export function child (node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0]
}

/** Text of an element, trimmed; undefined when the element is absent, "" when empty. */
export function text (node: XmlNode | undefined): string | undefined {
  if (!node) return undefined
  const value = node['#text']
  return value === undefined || value === null ? '' : String(value).trim()
}

export function attr (node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@_${name}`]
  return value === undefined ? undefined : String(value).trim()
}

/** The prefix a document binds to a namespace URI on its root element ("itunes" for most feeds). */
export function prefixFor (root: XmlNode | undefined, uris: string[], fallback: string): string {
  for (const [key, value] of Object.entries(root ?? {})) {
    if (key.startsWith('@_xmlns:') && uris.includes(String(value).trim())) return key.slice('@_xmlns:'.length)
  }
  return fallback
}
