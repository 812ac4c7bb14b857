import { copyFile, mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fileError } from '../errors.js'
import type { PlayerAssets } from './model.js'

/** The player's entry in Vite's manifest (contract A). */
export const PLAYER_ENTRY = 'player/main.ts'
/** The service worker, unhashed, served from the show's root so its scope is the base URL path. */
export const SERVICE_WORKER = 'seedcast-sw.js'
const ASSETS = 'assets'

/**
 * Where `npm run build` puts the player (dist/web): from the compiled module
 * (dist/src/site/) it is ../../web, from the TypeScript source (src/site/, as the tests
 * run it) ../../dist/web. The first one holding a Vite manifest wins.
 */
export function playerBuildCandidates (): string[] {
  return [fileURLToPath(new URL('../../web/', import.meta.url)), fileURLToPath(new URL('../../dist/web/', import.meta.url))]
}

/** The built player: its entry's JS and CSS (paths below the build folder) and every asset file. */
export interface PlayerBuild { dir: string, js: string, css?: string, assetFiles: string[], serviceWorker: boolean }

/** Reads a player build folder; undefined when there is none (the pages then work without script). */
export async function readPlayerBuild (dir: string): Promise<PlayerBuild | undefined> {
  const raw = await readFile(join(dir, '.vite', 'manifest.json'), 'utf8').catch(() => undefined)
  if (raw === undefined) return undefined
  let entry: { file?: string, css?: string[] } | undefined
  try {
    entry = (JSON.parse(raw) as Record<string, { file?: string, css?: string[] }>)[PLAYER_ENTRY]
  } catch {
    return undefined
  }
  if (!entry?.file) return undefined
  const assetFiles = (await readdir(join(dir, ASSETS)).catch(() => [] as string[])).filter(name => !name.startsWith('.'))
  const serviceWorker = await stat(join(dir, SERVICE_WORKER)).then(info => info.isFile(), () => false)
  return { dir, js: entry.file, ...(entry.css?.[0] ? { css: entry.css[0] } : {}), assetFiles, serviceWorker }
}

/** The first player build found among the candidates (or in `dir` when given). */
export async function findPlayerBuild (dir?: string): Promise<PlayerBuild | undefined> {
  for (const candidate of dir ? [dir] : playerBuildCandidates()) {
    const build = await readPlayerBuild(candidate)
    if (build) return build
  }
  return undefined
}

/**
 * Copies the player into public/: assets/* (hashed names: a file already there with the
 * same size is the same file and is kept) and the service worker at the root, each by a
 * temp copy and a rename, so a listener never loads half a script, and only when it changed. Hashed files of older
 * builds, which no page references any more, are removed.
 */
export async function installPlayer (publicDir: string, build: PlayerBuild): Promise<PlayerAssets> {
  const target = join(publicDir, ASSETS)
  await mkdir(target, { recursive: true }).catch(error => { throw fileError(error, target, 'create') })
  for (const name of build.assetFiles) {
    const from = join(build.dir, ASSETS, name)
    const to = join(target, name)
    const [source, present] = await Promise.all([stat(from), stat(to).catch(() => undefined)])
    if (present?.size === source.size) continue
    await copyAtomic(from, to)
  }
  const wanted = new Set(build.assetFiles)
  for (const name of await readdir(target)) if (!wanted.has(name)) await rm(join(target, name), { force: true, recursive: true })
  if (build.serviceWorker) await copyIfChanged(join(build.dir, SERVICE_WORKER), join(publicDir, SERVICE_WORKER))
  return { js: build.js, ...(build.css ? { css: build.css } : {}) }
}

/** The service worker keeps its name across builds: compared by its bytes (a few KiB), so an unchanged one is left alone. */
async function copyIfChanged (from: string, to: string): Promise<void> {
  const [source, present] = await Promise.all([readFile(from).catch(() => undefined), readFile(to).catch(() => undefined)])
  if (!source || !present?.equals(source)) await copyAtomic(from, to)
}

async function copyAtomic (from: string, to: string): Promise<void> {
  const temp = `${to}.${process.pid}.tmp`
  try {
    await copyFile(from, temp)
    await rename(temp, to)
  } catch (error) {
    await rm(temp, { force: true })
    throw fileError(error, to, 'write')
  }
}
