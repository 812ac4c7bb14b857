// The help pages rendered at build time live in quick-answer.ts, which bin/run.js loads
// first and alone; this name is kept for the build script and the tests.
export { HELP_CACHE_FILE, HELP_SOURCE_FILE, cachedHelp, helpCacheKey, helpSource } from './quick-answer.js'
