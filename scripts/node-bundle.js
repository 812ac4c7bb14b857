// How the CLI's bundles are built for Node (scripts/vendor.vite.config.js: third-party
// packages; scripts/commands.vite.config.js: the one-shot commands): a Vite SSR build into
// dist/<outDir> of ES modules, readable (not minified, no source maps; ASCII only, without
// JSDoc comments), entries named as given and shared chunks under chunks/, with the index
// asset each build writes kept.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))

/**
 * The modules of dist/ that `starts` import by relative path, and theirs, and so on: their
 * static imports (`from './x.js'`, `import './x.js'` at a line's start), and with `dynamic`
 * also `import('./x.js')` and an `import './x.js'` anywhere.
 */
export function relativeImportClosure (starts, { dynamic }) {
  const pattern = dynamic ? /(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g : /(?:\bfrom|^import)\s*['"](\.{1,2}\/[^'"]+)['"]/gm
  const seen = new Set()
  const stack = [...starts]
  while (stack.length > 0) {
    const file = stack.pop()
    if (seen.has(file)) continue
    seen.add(file)
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(pattern)) stack.push(resolve(dirname(file), specifier))
  }
  return seen
}

/** A Vite config: `plugin`, `input` and `external` per build; `ssr`, `build` and the rest merged in. */
export function nodeBundleConfig ({ outDir, plugin, input, external, ssr = {}, build = {}, ...rest }) {
  return {
    root,
    logLevel: 'warn',
    configFile: false,
    publicDir: false,
    plugins: [plugin],
    ...rest,
    ssr: { target: 'node', ...ssr },
    build: {
      ssr: true,
      outDir,
      emptyOutDir: true,
      target: 'node22',
      minify: false,
      sourcemap: false,
      copyPublicDir: false,
      // The index the build writes (an asset: Vite drops those of an SSR build by default).
      ssrEmitAssets: true,
      ...build,
      rollupOptions: {
        external,
        input,
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
          // ASCII only: a file with one other character (a "→" in a comment, a "·" in a string)
          // is decoded into a two-byte string, slower to decode, scan and hash, and twice the
          // memory. Non-ASCII characters in code are written as \u escapes, and JSDoc comments,
          // where most of the rest were, are left out (license comments are kept). Loading
          // `seedcast publish` up to its first error: 268 -> 234 ms of main-thread CPU, peak
          // RSS at exit 87.6 -> 84.5 MiB (medians of 21 alternated runs).
          charset: 'ascii',
          comments: { legal: true, annotation: true, jsdoc: false }
        }
      }
    }
  }
}
