import * as Flags from '@oclif/core/flags'
import type { ShowFieldOptions } from '../src/show/show-fields.js'

/** The show's metadata flags, shared by `init` (which requires some) and `show edit`. */
export const showFieldFlags = {
  title: Flags.string({ description: 'show title' }),
  description: Flags.string({ description: 'show description (plain text)' }),
  author: Flags.string({ description: 'author shown by podcast apps (itunes:author)' }),
  'owner-name': Flags.string({ description: 'owner name (itunes:owner, not shown publicly by most apps)' }),
  'owner-email': Flags.string({ description: 'owner email (itunes:owner, used by directories to verify ownership)' }),
  language: Flags.string({ description: 'BCP 47 language tag, e.g. en, en-US, fr' }),
  category: Flags.string({ description: 'Apple Podcasts category: "Technology" or "Society & Culture > Documentary"' }),
  subcategory: Flags.string({ description: 'Apple Podcasts subcategory (or give it in --category after ">")' }),
  image: Flags.string({ description: 'cover image: square JPEG or PNG, 1400 to 3000 px' }),
  link: Flags.string({ description: 'website of the show' }),
  'base-url': Flags.string({ description: 'http(s) URL where public/ is served' }),
  license: Flags.string({ description: 'SPDX license id of the episodes, e.g. CC-BY-4.0' }),
  tracker: Flags.string({ description: 'tracker announce URL put in every torrent and magnet (repeatable); self = the tracker of `seedcast serve` at the base URL', multiple: true }),
  funding: Flags.string({ description: 'funding/donation URL, optionally followed by a space and a title' }),
  type: Flags.string({ description: 'show type: episodic (newest first, the default) or serial (listened in order)', options: ['episodic', 'serial'] })
}

type FieldFlags = { [K in keyof typeof showFieldFlags]?: K extends 'tracker' ? string[] : string } & { explicit?: boolean, locked?: boolean }

/** The flags above as library options (undefined where not given). */
export function showFieldOptions (flags: FieldFlags): ShowFieldOptions & { image?: string } {
  return {
    title: flags.title,
    description: flags.description,
    author: flags.author,
    ownerName: flags['owner-name'],
    ownerEmail: flags['owner-email'],
    language: flags.language,
    category: flags.category,
    subcategory: flags.subcategory,
    explicit: flags.explicit,
    image: flags.image,
    link: flags.link,
    baseUrl: flags['base-url'],
    license: flags.license,
    trackers: flags.tracker,
    funding: flags.funding === undefined ? undefined : parseFunding(flags.funding),
    type: flags.type,
    locked: flags.locked
  }
}

function parseFunding (value: string): { url: string, title?: string } {
  const [url = '', ...title] = value.trim().split(/\s+/)
  return title.length ? { url, title: title.join(' ') } : { url }
}
