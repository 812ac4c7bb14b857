import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The modules of dist/ a file of the CLI's command bundles (dist/bundle, built by
 * scripts/commands.vite.config.js) holds, as paths under dist/ ('src/show/episode-list.js'):
 * rolldown marks each module it bundles with a comment line naming its file.
 */
export function modulesInBundle (file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\/\/ dist\/((?:src|cli|commands)\/[\w/.-]+\.js)$/gm)].map(match => match[1]!)
}

/**
 * The URLs a process loaded (as a load hook records them), with each file of dist/bundle/
 * followed by the URLs of the dist/ modules it holds: what the process ran, bundled or not,
 * for tests that check which modules a command loads.
 */
export function withBundledModules (urls: string[]): string[] {
  return urls.flatMap(url => {
    const at = url.indexOf('/dist/bundle/')
    if (!url.startsWith('file:') || at < 0) return [url]
    const dist = url.slice(0, at + '/dist/'.length)
    return [url, ...modulesInBundle(fileURLToPath(url)).map(path => dist + path)]
  })
}
