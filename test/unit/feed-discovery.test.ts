import { describe, expect, it } from 'vitest'
import { discoveredFeed, isHtmlPage } from '../../src/feed/read/feed-discovery.js'

const page = (links: string) => `<!DOCTYPE html><html><head><title>Show</title>${links}</head><body></body></html>`

describe('feed discovery', () => {
  it('finds the RSS feed a page names, resolved against the page', () => {
    const html = page(`
      <link rel="stylesheet" href="style.css">
      <link rel="alternate" type="application/atom+xml" title="Atom" href="atom.xml">
      <link type='application/rss+xml' rel='alternate' title='RSS' href='rss.xml?a=1&amp;b=2'>`)
    expect(discoveredFeed(html, 'https://pod.example/show/')).toBe('https://pod.example/show/rss.xml?a=1&b=2')
  })

  it('prefers a blog\'s main feed to its comments feed, and falls back to Atom and JSON Feed', () => {
    const wordpress = page(`
      <link rel="alternate" type="application/rss+xml" title="Garden &raquo; Comments Feed" href="/comments/feed/">
      <link rel="alternate" type="application/rss+xml" title="Garden &raquo; Feed" href="/feed/">`)
    expect(discoveredFeed(wordpress, 'https://garden.example/')).toBe('https://garden.example/feed/')
    expect(discoveredFeed(page('<link rel="alternate" type="application/feed+json" href="feed.json"><link rel="alternate" type="application/atom+xml" href="atom.xml">'), 'https://h/')).toBe('https://h/atom.xml')
    expect(discoveredFeed(page('<LINK REL="Alternate" TYPE="application/feed+json" HREF=feed.json>'), 'https://h/')).toBe('https://h/feed.json')
  })

  it('names nothing for a page without a feed, or with links that are no http(s) feed', () => {
    expect(discoveredFeed(page('<link rel="alternate" hreflang="fr" href="/fr/">'), 'https://h/')).toBeUndefined()
    expect(discoveredFeed(page('<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'), 'https://h/')).toBeUndefined()
    expect(discoveredFeed(page('<link rel="alternate" type="application/rss+xml" href="http://[bad">'), 'https://h/')).toBeUndefined()
  })

  it('tells an HTML page from a feed', () => {
    expect(isHtmlPage(page(''))).toBe(true)
    expect(isHtmlPage('  <html lang="en"><head>')).toBe(true)
    expect(isHtmlPage('<?xml version="1.0"?><rss version="2.0"><channel><description>&lt;html&gt;</description></channel></rss>')).toBe(false)
    expect(isHtmlPage('<rss version="2.0"><channel><title>About <html> tags</title></channel></rss>')).toBe(false)
  })
})
