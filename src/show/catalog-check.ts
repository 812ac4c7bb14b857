import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeAtomicParts } from '../atomic.js'
import { episodeHash, type EpisodeHashes } from '../feed/episode-hash.js'
import { withWholeFile } from '../whole-file.js'
import type { CatalogLayout, CatalogPrefix } from './catalog-prefix.js'
import type { ShowPaths } from '../model/paths.js'
import type { Catalog, Episode } from '../model/show.js'
import { catalogSchema, episodeSchema, validate } from './schema.js'

/**
 * Schema-checks episodes.json, skipping the episodes a build already checked.
 *
 * A show of 5,000 episodes costs zod about 10 ms per load, on every publish, edit and
 * build, for entries that have not changed in years. `feed build` therefore keeps, in
 * .seedcast/checked-episodes.json, the hashes of the entries it checked that came out of
 * the schema exactly as they went in (same fields, same order, nothing trimmed or dropped).
 * An entry with such a hash is taken as it is: the schema would return it unchanged. Any
 * other entry is checked; and if anything fails, the whole catalog goes through the schema
 * as before, so the error names the same field. The list is bound to the schema's code and
 * zod's version: an upgrade checks everything again. It is a cache, written without fsync:
 * a torn or foreign file is ignored and costs one full check.
 */

/** The catalog and each entry's hash (episode-hash.ts), and the hashes of the entries the schema returns unchanged. */
export interface CheckedCatalog {
  catalog: Catalog
  hashes: EpisodeHashes
  /** Hashes of entries known to be schema fixed points: what checked-episodes.json should hold. */
  checked: string[]
  /** Each entry's hash as parsed, before the schema (the catalog-prefix.ts record keeps them). */
  raw: string[]
  /** What to record of the catalog's layout for the next build (catalog-prefix.ts); none for a layout seedcast does not write. */
  prefix?: CatalogPrefix
  /** Entries whose hash came from the last build's record instead of being computed. */
  reused: number
}

/**
 * What the last build recorded: the checked entries' hashes, and its catalog's layout.
 * `prefixChecked`: the hashes are the layout's own list (stored as 'prefix'), so every entry
 * the layout's record trusts was checked, with no lookup.
 */
export interface KnownEntries { hashes: KnownHashes, prefix?: CatalogPrefix, prefixChecked?: boolean }

/**
 * The checked entries' hashes, looked up. A build after one publish looks up one hash (the
 * entries the layout's record trusts need none): a few lookups scan the list, and a Set of
 * 5,000 hashes (fresh memory, at every build) is made only for more.
 */
export class KnownHashes {
  readonly #list: readonly string[]
  #set: Set<string> | undefined
  #scans = 0

  constructor (list: readonly string[] = []) {
    this.#list = list
  }

  get empty (): boolean {
    return this.#list.length === 0
  }

  has (hash: string): boolean {
    if (this.#set === undefined && this.#scans++ < SCANS) return this.#list.includes(hash)
    return (this.#set ??= new Set(this.#list)).has(hash)
  }

  /** The same hashes as `list`, whatever their order or repeats. */
  sameAs (list: readonly string[]): boolean {
    const set = (this.#set ??= new Set(this.#list))
    return list.length === set.size && new Set(list).size === list.length && list.every(hash => set.has(hash))
  }
}

/** Lookups that scan the list before a Set is made. */
const SCANS = 16

/** `hashes: 'prefix'`: the same list as prefix.raw (every entry checked and unchanged by the schema, the usual case), not stored twice. */
interface StoredChecks { schema: string, hashes: string[] | 'prefix', prefix?: CatalogPrefix }

const CHECKED_FILE = 'checked-episodes.json'

let schemaCode: string | undefined

/** The schema module's code and zod's version: what decides whether an entry passes. */
function schemaFingerprint (): string {
  if (schemaCode === undefined) {
    // .js when compiled, .ts when run from source (vitest, type stripping).
    const extension = extname(fileURLToPath(import.meta.url))
    const zod = (createRequire(import.meta.url)('zod/package.json') as { version: string }).version
    schemaCode = createHash('sha1').update(readFileSync(new URL(`./schema${extension}`, import.meta.url))).update(zod).digest('base64')
  }
  return schemaCode
}

/** Hashes of entries checked before under this schema, and the catalog's recorded layout; none when the file is missing, torn or from another schema. */
export async function readCheckedHashes (paths: ShowPaths): Promise<KnownEntries> {
  try {
    const stored = await withWholeFile(join(paths.stateDir, CHECKED_FILE), bytes => JSON.parse(bytes.toString()) as Partial<StoredChecks>)
    const list = stored.hashes === 'prefix' ? stored.prefix?.raw : stored.hashes
    if (stored.schema !== schemaFingerprint() || !Array.isArray(list)) return { hashes: new KnownHashes() }
    const hashes = new KnownHashes(list.every(hash => typeof hash === 'string') ? list : list.filter(hash => typeof hash === 'string'))
    if (typeof stored.prefix !== 'object' || stored.prefix === null) return { hashes }
    return { hashes, prefix: stored.prefix, ...(stored.hashes === 'prefix' ? { prefixChecked: true } : {}) }
  } catch {
    return { hashes: new KnownHashes() }
  }
}

/** Records the hashes of checked entries and the catalog's layout for the next load; call it holding the show lock. */
export async function saveCheckedHashes (paths: ShowPaths, checks: Pick<CheckedCatalog, 'checked' | 'prefix'>, before: KnownEntries): Promise<void> {
  const { checked, prefix } = checks
  const asPrefix = prefix !== undefined && prefix.raw.length === checked.length && checked.every((hash, at) => hash === prefix.raw[at])
  // Both the layout's own list: the same when the layouts are (the usual build, nothing to compare hash by hash).
  if (asPrefix && before.prefixChecked && samePrefix(prefix, before.prefix)) return
  if (samePrefix(prefix, before.prefix) && before.hashes.sameAs(checked)) return
  const stored: StoredChecks = { schema: schemaFingerprint(), hashes: asPrefix ? 'prefix' : checked, ...(prefix ? { prefix } : {}) }
  // A cache: a failed write costs the next load a full check, nothing else.
  await writeAtomicParts(join(paths.stateDir, CHECKED_FILE), [Buffer.from(JSON.stringify(stored))], { fsync: false }).catch(() => {})
}

/** The recorded layouts are the same (the marks decide the hashes under them). */
function samePrefix (a: CatalogPrefix | undefined, b: CatalogPrefix | undefined): boolean {
  if (!a || !b) return a === b
  return a.raw.length === b.raw?.length && a.marks.length === b.marks?.length &&
    a.marks.every((mark, at) => mark.every((value, part) => value === b.marks[at]?.[part]))
}

/**
 * episodes.json parsed, schema-checked (entries in `known` taken as they are); throws the
 * schema's error. Each entry is hashed on the way (the build keys its items and pages by
 * these hashes), which costs about what the schema saves: a reader that needs no hashes
 * is better served by readCatalog. `layout`: what catalogLayout found in the file, whose
 * entries `raw` holds, so the entries the last build's record shows unchanged are not
 * hashed again (catalog-prefix.ts).
 */
export function checkCatalog (raw: unknown, entries: KnownEntries, fileName: string, layout?: CatalogLayout): CheckedCatalog {
  const rawEpisodes = isRecord(raw) && Array.isArray(raw.episodes) ? raw.episodes as unknown[] : []
  const trusted = layout?.trusted ?? []
  const rawHashes = rawEpisodes.map((entry, at) => at < trusted.length ? trusted[at] : hashOfRaw(entry))
  const prefix = layout && rawHashes.every(hash => hash !== undefined) ? { marks: layout.marks, raw: rawHashes as string[] } : undefined
  // The entries the layout's record trusts were checked when the record's list is the layout's own.
  const fast = !entries.hashes.empty ? checkEntries(raw, entries.hashes, rawHashes, entries.prefixChecked ? trusted.length : 0) : undefined
  if (fast) return { ...fast, ...(prefix ? { prefix } : {}), reused: trusted.length }
  const catalog = validate(catalogSchema, raw, fileName)
  const hashes = new Map(catalog.episodes.map(episode => [episode, episodeHash(episode)]))
  const checked = catalog.episodes.flatMap((episode, at) => hashes.get(episode) === rawHashes[at] ? [hashes.get(episode)!] : [])
  return { catalog, hashes, checked, raw: rawHashes as string[], ...(prefix ? { prefix } : {}), reused: 0 }
}

/** The catalog with only the unknown entries checked, or undefined when anything would fail (the full check then says what). */
function checkEntries (raw: unknown, known: KnownHashes, rawHashes: Array<string | undefined>, knownUpTo: number): Omit<CheckedCatalog, 'reused'> | undefined {
  if (!isRecord(raw) || raw.version !== 1 || !Array.isArray(raw.episodes)) return undefined
  // Other top-level keys are dropped by the schema: the full check writes the catalog without them.
  if (Object.keys(raw).length !== 2) return undefined
  const episodes: Episode[] = []
  const hashes = new Map<Episode, string>()
  const checked: string[] = []
  const slugs = new Set<string>()
  for (const [at, entry] of (raw.episodes as unknown[]).entries()) {
    const hash = rawHashes[at]
    let episode: Episode
    if (hash !== undefined && (at < knownUpTo || known.has(hash))) {
      episode = entry as Episode
      checked.push(hash)
      hashes.set(episode, hash)
    } else {
      const result = episodeSchema.safeParse(entry)
      if (!result.success) return undefined
      episode = result.data
      const parsed = episodeHash(episode)
      hashes.set(episode, parsed)
      if (parsed === hash) checked.push(parsed)
    }
    if (slugs.has(episode.slug)) return undefined
    slugs.add(episode.slug)
    episodes.push(episode)
  }
  return { catalog: { version: 1, episodes }, hashes, checked, raw: rawHashes as string[] }
}

function hashOfRaw (entry: unknown): string | undefined {
  return isRecord(entry) ? episodeHash(entry as unknown as Episode) : undefined
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
