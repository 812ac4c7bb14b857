import * as z from '../model/zod.js'
import { SeedcastError } from '../errors.js'
import { SELF_TRACKER } from '../feed/trackers.js'
import { isEmailAddress } from './email-address.js'
import type { Catalog, Episode, ShowConfig } from '../model/show.js'

// The zod schemas of show.json and episodes.json. They check what the files hold on
// disk (people edit them by hand); the rules on input values (SPDX, BCP 47, Apple
// categories, cover size) are applied by initShow when the values come in.

const text = z.string().check(z.trim(), z.minLength(1, 'must not be empty'))
const httpUrl = z.string().check(z.refine(value => /^https?:\/\//i.test(value) && URL.canParse(value), 'must be an http(s) URL'))

/** The one email rule: `init`/`show edit` check values with it, as loading show.json does. */
export const emailSchema = z.string().check(z.refine(isEmailAddress, 'must be an email address'))

export const showConfigSchema = z.object({
  version: z.literal(1),
  title: text,
  description: text,
  author: text,
  owner: z.object({ name: text, email: emailSchema }),
  language: text,
  category: text,
  subcategory: z.optional(text),
  explicit: z.boolean(),
  image: z.optional(text),
  link: z.optional(httpUrl),
  baseUrl: httpUrl.check(z.refine(value => value.endsWith('/'), 'must end with "/"')),
  license: text,
  trackers: z.array(z.string().check(z.refine(value => value === SELF_TRACKER || URL.canParse(value), 'must be a URL or "self"'))),
  funding: z.optional(z.object({ url: httpUrl, title: text })),
  type: z.optional(z.enum(['episodic', 'serial'])),
  podcastGuid: z.uuid('must be a UUID'),
  locked: z.boolean(),
  mirrorOf: z.optional(httpUrl),
  importedFrom: z.optional(httpUrl)
}) satisfies z.ZodMiniType<ShowConfig>

const relativePath = z.string().check(z.regex(/^[a-z]+\/[^/]+$/, 'must be a path below public/ like "media/name.mp3"'))

export const episodeSchema = z.object({
  slug: z.string().check(z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase letters, digits and dashes')),
  guid: text,
  title: text,
  description: z.string(),
  pubDate: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }),
  season: z.optional(z.number().check(z.int(), z.positive())),
  episode: z.optional(z.number().check(z.int(), z.positive())),
  explicit: z.boolean(),
  draft: z.boolean(),
  type: z.optional(z.enum(['full', 'trailer', 'bonus'])),
  notesHtml: z.optional(z.string()),
  transcriptPath: z.optional(relativePath),
  transcriptType: z.optional(text),
  persons: z.optional(z.array(z.object({ name: text, role: text, group: text }))),
  duration: z.number().check(z.nonnegative()),
  mimeType: text,
  length: z.number().check(z.int(), z.nonnegative()),
  mediaPath: relativePath,
  torrentPath: relativePath,
  chaptersPath: z.optional(relativePath),
  imagePath: z.optional(relativePath),
  infoHash: z.string().check(z.regex(/^[0-9a-f]{40}$/, 'must be 40 lowercase hex characters')),
  sha256: z.string().check(z.regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a base64 SHA-256')),
  pieceLength: z.number().check(z.int(), z.positive()),
  originalUrl: z.optional(httpUrl)
}) satisfies z.ZodMiniType<Episode>

export const catalogSchema = z.object({
  version: z.literal(1),
  episodes: z.array(episodeSchema)
}).check(z.superRefine((catalog, context) => {
  const seen = new Set<string>()
  catalog.episodes.forEach((episode, index) => {
    if (seen.has(episode.slug)) context.addIssue({ code: 'custom', path: ['episodes', index, 'slug'], message: `duplicate slug "${episode.slug}"` })
    seen.add(episode.slug)
  })
})) satisfies z.ZodMiniType<Catalog>

/** Checks parsed JSON against a schema; the error names the file, the field and the rule. */
export function validate<T> (schema: z.ZodMiniType<T>, value: unknown, fileName: string): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issues = result.error.issues.map(issue => {
    const where = issue.path.length ? `${issue.path.join('.')}: ` : ''
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message)
    return `${where}${missing ? 'required' : issue.message}`
  })
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''
  return fail(`${fileName}: ${issues.slice(0, 3).join('; ')}${more}`)
}

function fail (message: string): never {
  throw new SeedcastError(message, { code: 'EBADSHOW', hint: 'fix the file by hand or restore it from a backup' })
}
