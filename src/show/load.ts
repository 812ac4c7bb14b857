import { readFile, stat } from 'node:fs/promises'
import { SeedcastError, fileError } from '../errors.js'
import { showPaths, type ShowPaths } from './paths.js'
import { catalogSchema, showConfigSchema, validate } from './schema.js'
import type { Catalog, ShowConfig } from './types.js'

export interface LoadedShow { paths: ShowPaths, config: ShowConfig, catalog: Catalog }

/**
 * Reads and validates a show folder (show.json and episodes.json). A folder without
 * show.json is "not a seedcast show folder"; a file that does not parse or breaks the
 * schema gives an error naming the file and the field.
 */
export async function loadShow (dir: string): Promise<LoadedShow> {
  const paths = showPaths(dir)
  const folder = await stat(dir).catch(error => { throw fileError(error, dir, 'open') })
  if (!folder.isDirectory()) throw new SeedcastError(`${dir}: not a directory`, { code: 'ENOTSHOW', hint: 'give the show folder with --show' })
  const config = await readShowConfig(paths)
  const catalog = await readCatalog(paths)
  return { paths, config, catalog }
}

export async function readShowConfig (paths: ShowPaths): Promise<ShowConfig> {
  const raw = await readFile(paths.showFile, 'utf8').catch(error => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SeedcastError(`${paths.root}: not a seedcast show folder (no show.json)`, { code: 'ENOTSHOW', hint: 'run `seedcast init`, or give the show folder with --show' })
    }
    throw fileError(error, paths.showFile, 'read')
  })
  return validate(showConfigSchema, parseJson(raw, 'show.json'), 'show.json')
}

export async function readCatalog (paths: ShowPaths): Promise<Catalog> {
  const raw = await readFile(paths.catalogFile, 'utf8').catch(error => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SeedcastError(`${paths.root}: episodes.json is missing`, { code: 'EBADSHOW', hint: 'restore it from a backup, or write {"version": 1, "episodes": []} to start an empty catalog' })
    }
    throw fileError(error, paths.catalogFile, 'read')
  })
  return validate(catalogSchema, parseJson(raw, 'episodes.json'), 'episodes.json')
}

function parseJson (raw: string, fileName: string): unknown {
  try {
    return JSON.parse(raw)
  } catch (error) {
    throw new SeedcastError(`${fileName}: not valid JSON (${(error as Error).message})`, { code: 'EBADSHOW', hint: 'fix the file by hand or restore it from a backup' })
  }
}
