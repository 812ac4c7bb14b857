// feedsmith's feed writers, apart from its parsers. feedsmith exports everything from one
// entry ("."), so a bundle of all it is imported for held its parsers too (with the HTML
// entity tables and the XML validator they use): about 270 kB of 424 that `seedcast
// publish` loaded and never ran. The CLI gives this module a bundle of these names alone
// (cli/bundled-deps.ts SEPARATE_IMPORTERS); the library and tests import feedsmith itself.
export { generateAtomFeed, generateOpml, generateRssFeed } from 'feedsmith'
