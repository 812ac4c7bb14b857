import { readFileSync } from 'node:fs'

/** `seedcast/<version>`, the default `created by` of new torrents. */
export const defaultCreatedBy = `seedcast/${findVersion()}`

// This module runs from src/torrent (tests) and dist/src/torrent (built): walk up to our package.json.
function findVersion (): string {
  for (let url = new URL('.', import.meta.url); url.pathname !== '/'; url = new URL('..', url)) {
    try {
      const manifest = JSON.parse(readFileSync(new URL('package.json', url), 'utf8')) as { name?: string, version?: string }
      if (manifest.name === 'seedcast' && manifest.version) return manifest.version
    } catch {
      // no package.json at this level
    }
  }
  return 'unknown'
}
