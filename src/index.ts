// The public API of seedcast: `import { createTorrent, publish } from 'seedcast'`.
export * from './errors.js'
export * from './show/types.js'
export * from './torrent/magnet.js'
