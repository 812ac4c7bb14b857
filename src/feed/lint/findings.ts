export type FindingLevel = 'error' | 'warning'

/** One problem in a feed: how bad, which element (a path like "channel/item[2]/enclosure"), and what to do. */
export interface Finding {
  level: FindingLevel
  element: string
  message: string
}

/** Collects findings in document order. */
export class Findings {
  readonly list: Finding[] = []
  error (element: string, message: string): void { this.list.push({ level: 'error', element, message }) }
  warning (element: string, message: string): void { this.list.push({ level: 'warning', element, message }) }
}
