import { downloadBundle } from './bundled-deps.js'

type DownloadModule = typeof import('../src/swarm/download/download.js')
type InternalsModule = typeof import('../src/swarm/webtorrent-internals.js')

/**
 * The two modules `get` runs on once its flags are read: from the download bundle
 * (dist/download, scripts/download.vite.config.js) when the CLI mapped this process's imports
 * to the bundles (bin/run.js), else from dist/src as they are. Call it after
 * leaveOutUnusedModules: the DHT library stays a bare import of the bundle, left out or
 * loaded by that hook.
 */
export async function importDownloadModules (): Promise<[DownloadModule, InternalsModule]> {
  const bundle = downloadBundle()
  if (bundle) return await Promise.all([import(bundle.download) as Promise<DownloadModule>, import(bundle.internals) as Promise<InternalsModule>])
  return await Promise.all([import('../src/swarm/download/download.js'), import('../src/swarm/webtorrent-internals.js')])
}
