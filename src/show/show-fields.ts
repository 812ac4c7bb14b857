import { invalid } from '../errors.js'
import type { ShowConfig } from '../model/show.js'
import { checkEmail, normaliseBaseUrl, normaliseHttpUrl, normaliseLanguage, normaliseLicense, normaliseTracker, parseCategory } from './validate.js'

export const SHOW_TYPES = ['episodic', 'serial'] as const
export type ShowType = typeof SHOW_TYPES[number]

/** The show values a podcaster gives (to `init` and `show edit`), as typed. */
export interface ShowFieldOptions {
  title?: string
  description?: string
  author?: string
  ownerName?: string
  ownerEmail?: string
  /** BCP 47. */
  language?: string
  /** "Technology", or "Society & Culture > Documentary". */
  category?: string
  subcategory?: string
  explicit?: boolean
  link?: string
  baseUrl?: string
  /** SPDX id. */
  license?: string
  trackers?: string[]
  funding?: { url: string, title?: string }
  /** itunes:type: episodic (newest first) or serial (in order). */
  type?: string
  /** podcast:locked. */
  locked?: boolean
}

function nonEmpty (value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (!trimmed) invalid(option, 'must not be empty')
  return trimmed
}

export function checkShowType (value: string): ShowType {
  const type = value.trim().toLowerCase()
  if (!(SHOW_TYPES as readonly string[]).includes(type)) invalid('type', `"${value}" is not a show type`, 'episodic (newest first) or serial (oldest first, e.g. a story in parts)')
  return type as ShowType
}

/**
 * Checks and normalises the show values that are given and returns them as show.json
 * fields; values not given are left out. `current` is the show being edited, when there is
 * one: a subcategory alone is checked against its category, and the owner keeps the half
 * not given.
 */
export function checkShowFields (options: ShowFieldOptions, current?: ShowConfig): Partial<ShowConfig> {
  const fields: Partial<ShowConfig> = {}
  const title = nonEmpty(options.title, 'title')
  if (title !== undefined) fields.title = title
  const description = nonEmpty(options.description, 'description')
  if (description !== undefined) fields.description = description
  const author = nonEmpty(options.author, 'author')
  if (author !== undefined) fields.author = author
  const ownerName = nonEmpty(options.ownerName, 'ownerName')
  const ownerEmail = options.ownerEmail === undefined ? undefined : checkEmail(options.ownerEmail)
  if (ownerName !== undefined || ownerEmail !== undefined) {
    fields.owner = { name: ownerName ?? current?.owner.name ?? '', email: ownerEmail ?? current?.owner.email ?? '' }
  }
  if (options.language !== undefined) fields.language = normaliseLanguage(options.language)
  if (options.category !== undefined || options.subcategory !== undefined) {
    const category = options.category ?? current?.category
    if (category === undefined) invalid('subcategory', 'needs `category`')
    const parsed = parseCategory(category, options.subcategory)
    fields.category = parsed.category
    fields.subcategory = parsed.subcategory
  }
  if (options.explicit !== undefined) fields.explicit = options.explicit
  if (options.link !== undefined) fields.link = options.link.trim() ? normaliseHttpUrl(options.link, 'link') : undefined
  if (options.baseUrl !== undefined) fields.baseUrl = normaliseBaseUrl(options.baseUrl)
  if (options.license !== undefined) fields.license = normaliseLicense(options.license)
  if (options.trackers !== undefined) fields.trackers = [...new Set(options.trackers.map(normaliseTracker))]
  if (options.funding !== undefined) {
    fields.funding = options.funding.url.trim()
      ? { url: normaliseHttpUrl(options.funding.url, 'funding'), title: options.funding.title?.trim() || 'Support the show' }
      : undefined
  }
  if (options.type !== undefined) fields.type = checkShowType(options.type)
  if (options.locked !== undefined) fields.locked = options.locked
  return fields
}

/** A show.json object without the keys whose value is undefined (cleared optional fields). */
export function withoutUndefined (config: ShowConfig): ShowConfig {
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as unknown as ShowConfig
}
