import { z } from 'zod'
import { SeedcastError } from '../errors.js'
import { SELF_TRACKER } from '../feed/trackers.js'
import type { Catalog, Episode, ShowConfig } from '../model/show.js'

// The zod schemas of show.json and episodes.json. They check what the files hold on
// disk (people edit them by hand); the rules on input values (SPDX, BCP 47, Apple
// categories, cover size) are applied by initShow when the values come in.

const text = z.string().trim().min(1, 'must not be empty')
const httpUrl = z.string().refine(value => /^https?:\/\//i.test(value) && URL.canParse(value), 'must be an http(s) URL')

/** The one email rule: `init`/`show edit` check values with it, as loading show.json does. */
export const emailSchema = z.email('must be an email address')

export const showConfigSchema = z.object({
  version: z.literal(1),
  title: text,
  description: text,
  author: text,
  owner: z.object({ name: text, email: emailSchema }),
  language: text,
  category: text,
  subcategory: text.optional(),
  explicit: z.boolean(),
  image: text.optional(),
  link: httpUrl.optional(),
  baseUrl: httpUrl.refine(value => value.endsWith('/'), 'must end with "/"'),
  license: text,
  trackers: z.array(z.string().refine(value => value === SELF_TRACKER || URL.canParse(value), 'must be a URL or "self"')),
  funding: z.object({ url: httpUrl, title: text }).optional(),
  type: z.enum(['episodic', 'serial']).optional(),
  podcastGuid: z.uuid('must be a UUID'),
  locked: z.boolean(),
  mirrorOf: httpUrl.optional(),
  importedFrom: httpUrl.optional()
}) satisfies z.ZodType<ShowConfig>

const relativePath = z.string().regex(/^[a-z]+\/[^/]+$/, 'must be a path below public/ like "media/name.mp3"')

export const episodeSchema = z.object({
  slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase letters, digits and dashes'),
  guid: text,
  title: text,
  description: z.string(),
  pubDate: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }),
  season: z.number().int().positive().optional(),
  episode: z.number().int().positive().optional(),
  explicit: z.boolean(),
  draft: z.boolean(),
  type: z.enum(['full', 'trailer', 'bonus']).optional(),
  notesHtml: z.string().optional(),
  transcriptPath: relativePath.optional(),
  transcriptType: text.optional(),
  persons: z.array(z.object({ name: text, role: text, group: text })).optional(),
  duration: z.number().nonnegative(),
  mimeType: text,
  length: z.number().int().nonnegative(),
  mediaPath: relativePath,
  torrentPath: relativePath,
  chaptersPath: relativePath.optional(),
  imagePath: relativePath.optional(),
  infoHash: z.string().regex(/^[0-9a-f]{40}$/, 'must be 40 lowercase hex characters'),
  sha256: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a base64 SHA-256'),
  pieceLength: z.number().int().positive(),
  originalUrl: httpUrl.optional()
}) satisfies z.ZodType<Episode>

export const catalogSchema = z.object({
  version: z.literal(1),
  episodes: z.array(episodeSchema)
}).superRefine((catalog, context) => {
  const seen = new Set<string>()
  catalog.episodes.forEach((episode, index) => {
    if (seen.has(episode.slug)) context.addIssue({ code: 'custom', path: ['episodes', index, 'slug'], message: `duplicate slug "${episode.slug}"` })
    seen.add(episode.slug)
  })
}) satisfies z.ZodType<Catalog>

/** Checks parsed JSON against a schema; the error names the file, the field and the rule. */
export function validate<T> (schema: z.ZodType<T>, value: unknown, fileName: string): T {
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
