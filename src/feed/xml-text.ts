/**
 * feedsmith's pretty printer puts each CDATA section on its own indented line, which makes the
 * indentation part of the text for readers that do not trim. This joins them back.
 */
export function tidyCdata (xml: string): string {
  return xml.replace(/>\n\s*<!\[CDATA\[/g, '><![CDATA[').replace(/\]\]>\n\s*<\//g, ']]></')
}
