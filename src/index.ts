// The public API of seedcast: `import { createTorrent, publish } from 'seedcast'`.
export * from './errors.js'
export * from './media/chapters.js'
export * from './media/mime.js'
export * from './media/probe.js'
export * from './media/types.js'
export * from './show/types.js'
export * from './torrent/magnet.js'
