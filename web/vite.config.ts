import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// Contract A (CONTRACTS.md): root web/, output dist/web/, manifest key `player/main.ts`,
// hashed assets under assets/, and the service worker UNHASHED at the output root so the
// site writer can copy it to the show's root, whose path becomes the worker's scope.
const root = fileURLToPath(new URL('.', import.meta.url))
const SW_NAME = 'seedcast-sw'
// The seed box's dashboard (manifest key `dashboard/main.ts`) is built beside the player but
// into its own folder, dashboard/: the site writer copies assets/ into every show's public/,
// and the dashboard is served by `seedcast serve` only, never published with a show.
const DASHBOARD = 'dashboard'
const isDashboardCss = (names: readonly string[]) => names.some(name => name.startsWith(`${DASHBOARD}`) && name.endsWith('.css'))

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    // WebTorrent's browser build is one lazily loaded chunk of about 220 kB: expected.
    chunkSizeWarningLimit: 400,
    rollupOptions: {
      input: {
        player: `${root}player/main.ts`,
        [DASHBOARD]: `${root}dashboard/main.ts`,
        [SW_NAME]: `${root}sw/seedcast-sw.ts`
      },
      output: {
        entryFileNames: chunk => chunk.name === SW_NAME ? `${SW_NAME}.js` : chunk.name === DASHBOARD ? `${DASHBOARD}/[name]-[hash].js` : 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: asset => isDashboardCss(asset.names) ? `${DASHBOARD}/[name]-[hash][extname]` : 'assets/[name]-[hash][extname]'
      }
    }
  }
})
