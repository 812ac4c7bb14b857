/** A small element builder: tag, attributes (false/undefined left out), children. */
export function h<K extends keyof HTMLElementTagNameMap> (tag: K, attributes: Record<string, string | boolean | undefined> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue
    element.setAttribute(name, value === true ? '' : value)
  }
  element.append(...children)
  return element
}
