import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { readWholeFile, withWholeFile } from '../whole-file.js'
import type * as z from '../model/zod.js'
import { SeedcastError, fileError } from '../errors.js'
import { showPaths, type ShowPaths } from '../model/paths.js'
import { catalogSchema, showConfigSchema, validate } from './schema.js'
import type { Catalog, ShowConfig } from '../model/show.js'
import { checkCatalog, readCheckedHashes, type CheckedCatalog, type KnownEntries } from './catalog-check.js'
import { catalogLayout } from './catalog-prefix.js'

export interface LoadedShow { paths: ShowPaths, config: ShowConfig, catalog: Catalog }

/**
 * Reads and validates a show folder (show.json and episodes.json). A folder without
 * show.json is "not a seedcast show folder"; a file that does not parse or breaks the
 * schema gives an error naming the file and the field.
 */
export async function loadShow (dir: string): Promise<LoadedShow> {
  const paths = await showFolder(dir)
  const config = await readShowConfig(paths)
  const catalog = await readCatalog(paths)
  return { paths, config, catalog }
}

/**
 * loadShow for a build of the feeds and pages: the catalog checked with the help of the
 * last build's list of checked entries (catalog-check.ts), with each entry's hash. The
 * hashes describe the catalog as loaded: a caller that changes an entry must not use them.
 */
export async function loadShowForBuild (dir: string): Promise<LoadedShow & { checks: CheckedCatalog, known: KnownEntries }> {
  const paths = await showFolder(dir)
  const config = await readShowConfig(paths)
  const { checks, known } = await readCheckedCatalog(paths)
  return { paths, config, catalog: checks.catalog, checks, known }
}

/**
 * readCatalog for a writer that appends to the catalog and then writes the feeds (publish):
 * the same catalog (or the same error), checked with the help of the last build's record,
 * and each entry's hash for writeFeeds, which then hashes only the entries added.
 */
export async function readCatalogForBuild (paths: ShowPaths): Promise<{ catalog: Catalog, hashes: CheckedCatalog['hashes'] }> {
  const { checks } = await readCheckedCatalog(paths)
  return { catalog: checks.catalog, hashes: checks.hashes }
}

async function readCheckedCatalog (paths: ShowPaths): Promise<{ checks: CheckedCatalog, known: KnownEntries }> {
  const knownRead = readCheckedHashes(paths)
  // The catalog's bytes are only parsed: read into a kept buffer (withWholeFile).
  const { raw, layout, known } = await withShowBytes(paths.catalogFile, () => missingCatalog(paths), async bytes => {
    const known = await knownRead
    // In seedcast's own layout the catalog is parsed entry by entry (catalog-prefix.ts), else whole.
    const layout = catalogLayout(bytes, known.prefix)
    return { known, layout, raw: layout ? { version: 1, episodes: layout.entries } : parseJson(bytes.toString(), 'episodes.json') }
  })
  return { checks: checkCatalog(raw, known, 'episodes.json', layout), known }
}

/**
 * The folder `--show` names, checked: every "this is no show" (no such folder, a file, no
 * show.json) is one ENOTSHOW error of one shape, whichever command reads the show. A missing
 * folder was ENOENT ("no such file or directory") in most commands and ENOTSHOW in `feed
 * build`, so a script had to know both, and the hint did not say to run `seedcast init`.
 */
export async function showFolder (dir: string): Promise<ShowPaths> {
  const folder = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw notAShow(dir, 'no such folder')
    throw fileError(error, dir, 'open')
  })
  if (!folder.isDirectory()) throw notAShow(dir, 'not a folder')
  return showPaths(dir)
}

export async function readShowConfig (paths: ShowPaths): Promise<ShowConfig> {
  return readShowFile(paths.showFile, 'show.json', showConfigSchema, () => notAShow(paths.root, 'no show.json'))
}

/** Named by its absolute path, as the other file errors are (a relative one says little in a log). */
function notAShow (dir: string, why: string): SeedcastError {
  return new SeedcastError(`${resolve(dir)}: not a seedcast show folder (${why})`, { code: 'ENOTSHOW', hint: 'give the path of an existing show folder, or run `seedcast init` to make one' })
}

export async function readCatalog (paths: ShowPaths): Promise<Catalog> {
  return readShowFile(paths.catalogFile, 'episodes.json', catalogSchema, () => missingCatalog(paths))
}

function missingCatalog (paths: ShowPaths): SeedcastError {
  return new SeedcastError(`${paths.root}: episodes.json is missing`, { code: 'EBADSHOW', hint: 'restore it from a backup, or write {"version": 1, "episodes": []} to start an empty catalog' })
}

/** Reads, parses and schema-checks one JSON file of the show; `missing` is the error when it does not exist. */
async function readShowFile<T> (path: string, fileName: string, schema: z.ZodMiniType<T>, missing: () => SeedcastError): Promise<T> {
  return validate(schema, await readJsonFile(path, fileName, missing), fileName)
}

async function readJsonFile (path: string, fileName: string, missing: () => SeedcastError): Promise<unknown> {
  return parseJson((await readShowBytes(path, missing)).toString(), fileName)
}

async function readShowBytes (path: string, missing: () => SeedcastError): Promise<Buffer> {
  return readWholeFile(path).catch(error => { throw readError(error, path, missing) })
}

/** withWholeFile with readShowBytes's errors for the read; what `use` throws is thrown as it is. */
async function withShowBytes<T> (path: string, missing: () => SeedcastError, use: (bytes: Buffer) => Promise<T>): Promise<T> {
  let read = false
  return withWholeFile(path, bytes => { read = true; return use(bytes) }).catch(error => {
    throw read ? error : readError(error, path, missing)
  })
}

function readError (error: unknown, path: string, missing: () => SeedcastError): Error {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? missing() : fileError(error, path, 'read')
}

function parseJson (raw: string, fileName: string): unknown {
  try {
    return JSON.parse(raw)
  } catch (error) {
    throw new SeedcastError(`${fileName}: not valid JSON (${(error as Error).message})`, { code: 'EBADSHOW', hint: 'fix the file by hand or restore it from a backup' })
  }
}
