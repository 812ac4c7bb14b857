import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

// Dependencies point one way (see ARCHITECTURE.md): model → torrent, media → feed, site →
// show → swarm, server, follow → cli, commands. Each folder of src/ may import only from the
// layers below it; src/ never imports oclif or the CLI, and Fastify only in src/server.
const LAYERS = [
  ['model'],
  ['torrent', 'media'],
  ['feed', 'site'],
  ['show'],
  ['swarm', 'server', 'follow', 'import']
]
const FRONT = ['cli', 'commands']

/** A relative import reaching the named top-level folder of src/ (or the repo, for cli/commands). */
const reaching = names => `^(\\.\\./)+(${names.join('|')})(/|$)`

function layerRules (folder, above) {
  const patterns = [
    { regex: reaching([...above, ...FRONT]), message: `src/${folder} sits below ${above.join(', ') || 'nothing'}: dependencies point one way (model → torrent, media → feed, site → show → swarm, server, follow → commands); move the shared piece down instead` },
    { regex: '^@oclif/', message: 'src/ never imports oclif: commands/ parse flags and call src/' }
  ]
  if (folder !== 'server') patterns.push({ regex: '^(fastify|fastify-plugin|@fastify/.*)$', message: 'Fastify lives only in src/server' })
  return { 'no-restricted-imports': ['error', { patterns }] }
}

const layering = LAYERS.flatMap((layer, index) => {
  const above = LAYERS.slice(index + 1).flat()
  return layer.map(folder => ({ files: [`src/${folder}/**/*.ts`], rules: layerRules(folder, above) }))
})

export default tseslint.config(
  // Every generated folder of .gitignore too (npm start's .demo/ holds the built player): `npm test`
  // after `npm start` must not lint it (test/unit/lint-ignores.test.ts).
  { ignores: ['dist/**', 'node_modules/**', '.demo/**', 'test-artifacts/**', 'tmp/**', 'web/dist/**', 'fixtures/**', 'coverage/**', 'oclif.manifest.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', performance: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off'
    }
  },
  {
    // Browser code (the player and its service worker), bundled by Vite.
    files: ['web/player/**/*.ts', 'web/dashboard/**/*.ts'],
    languageOptions: { globals: globals.browser }
  },
  {
    files: ['web/sw/**/*.ts'],
    languageOptions: { globals: globals.serviceworker }
  },
  // errors.ts, atomic.ts, whole-file.ts and process-alive.ts are below everything and import nothing of
  // seedcast but errors.ts; index.ts (the public API) re-exports from every layer.
  { files: ['src/errors.ts', 'src/atomic.ts', 'src/whole-file.ts', 'src/process-alive.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.(?!/errors\\.js$)', message: 'src/errors.ts, src/atomic.ts, src/whole-file.ts and src/process-alive.ts are the bottom of every layer: they import nothing of seedcast but errors.ts' }] }] } },
  ...layering
)
