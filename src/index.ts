// The public API of seedcast: `import { createTorrent, publish } from 'seedcast'`.
export * from './errors.js'
