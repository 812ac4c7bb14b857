// feedsmith's parsers, apart from its writers: the CLI gives this module a bundle of these
// names alone (cli/bundled-deps.ts SEPARATE_IMPORTERS), loaded by the commands that read
// feeds and OPML (follow, import, mirror), never by those that only write feeds
// (src/feed/feedsmith-writers.ts).
export { parseFeed, parseOpml } from 'feedsmith'
