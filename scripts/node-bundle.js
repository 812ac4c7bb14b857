// How the CLI's bundles are built for Node (scripts/vendor.vite.config.js: third-party
// packages; scripts/commands.vite.config.js: the one-shot commands): a Vite SSR build into
// dist/<outDir> of ES modules, readable (not minified, no source maps), entries named as
// given and shared chunks under chunks/, with the index asset each build writes kept.
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))

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
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' }
      }
    }
  }
}
