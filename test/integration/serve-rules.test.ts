// The rules the server applies, as plain functions: which Range headers are served, which
// request paths are refused, which content types, which mount paths, and when a base URL
// does not lead to where the server listens.
import { describe, expect, it } from 'vitest'
import { contentTypeFor } from '../../src/server/content-types.js'
import { baseUrlMismatch } from '../../src/server/listen-check.js'
import { mountPathOf } from '../../src/server/mounts.js'
import { resolvePublicFile } from '../../src/server/public-file.js'
import { parseRange } from '../../src/server/range.js'
import { badPathReason } from '../../src/server/request-guard.js'
import { decodedPath, originForm } from '../../src/server/target.js'

describe('parseRange', () => {
  it('serves exactly one bytes range and clamps the end to the file', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 })
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseRange('bytes=-10', 1000)).toEqual({ start: 990, end: 999 })
    expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 })
    expect(parseRange('bytes=10-5000', 1000)).toEqual({ start: 10, end: 999 })
    expect(parseRange('BYTES=0-9', 1000)).toEqual({ start: 0, end: 9 })
  })
  it('calls reversed or malformed ranges invalid, and ranges past the end unsatisfiable', () => {
    for (const header of ['bytes=0-1,', 'bytes=0-1,x', 'bytes=,0-1', 'bytes=5-1', 'bytes=-', 'bytes=', 'bytes=a-b', 'bytes=0-1 junk', 'bytes=1234567890123456-', 'junk']) {
      expect(parseRange(header, 1000), header).toBe('invalid')
    }
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable')
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable')
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable')
  })
  it('ignores several well-formed ranges: the whole file, as nginx with max_ranges 1', () => {
    for (const header of ['bytes=0-1,3-4', 'bytes=0-1, -5', 'BYTES=10-,0-0', 'bytes=0-1,5-1']) expect(parseRange(header, 1000), header).toBe('ignored')
  })
  it('ignores a range unit other than bytes (RFC 9110: a server MUST), whatever follows it', () => {
    for (const header of ['items=0-1', 'chars=0-1,5-9', ' pages = 3']) expect(parseRange(header, 1000), header).toBe('ignored')
  })
})

describe('badPathReason', () => {
  it('lets plain paths through', () => {
    for (const path of ['/', '/rss.xml', '/media/episode-1.mp3?x=1', '/shows/one/feed.json', '/media/caf%C3%A9.mp3', '/a..b.mp3']) {
      expect(badPathReason(path), path).toBeUndefined()
    }
  })
  it('refuses dot segments, NUL, backslashes and encoded slashes in any spelling', () => {
    for (const path of ['/../show.json', '/%2e%2e/show.json', '/.%2E/x', '/./x', '/a/%2E/b', '/%00', '/x%00.mp3', '/a%2fb', '/a%5Cb', '/a\\b', '/%zz', '/%', 'rss.xml', '/a%0d%0aSet-Cookie:x']) {
      expect(badPathReason(path), path).toBeTypeOf('string')
    }
  })
  it('keeps a resolved file below public/', () => {
    expect(resolvePublicFile('/srv/show/public', 'media/a.mp3')).toBe('/srv/show/public/media/a.mp3')
    for (const path of ['../show.json', 'media/../../episodes.json', '.seedcast/lock', 'media/.hidden', '', '/']) {
      expect(resolvePublicFile('/srv/show/public', path), path).toBeUndefined()
    }
  })
})

describe('request targets', () => {
  it('routes an absolute-form target on its path and compares paths decoded and NFC', () => {
    expect(originForm('http://example.org:8080/shows/rss.xml?x=1')).toBe('/shows/rss.xml?x=1')
    expect(originForm('https://example.org')).toBe('/')
    expect(originForm('/rss.xml')).toBe('/rss.xml')
    expect(decodedPath('/shows/%74ea/')).toBe('/shows/tea/')
    expect(decodedPath('/th%C3%A9%20time/')).toBe('/thé time/')
    expect(decodedPath('/the\u0301/')).toBe('/th\u00e9/')
  })
})

describe('contentTypeFor', () => {
  it('gives the feeds, chapters, torrents and media their types', () => {
    expect(contentTypeFor('rss.xml')).toBe('application/rss+xml; charset=utf-8')
    expect(contentTypeFor('p2p.xml')).toBe('application/rss+xml; charset=utf-8')
    expect(contentTypeFor('atom.xml')).toBe('application/atom+xml; charset=utf-8')
    expect(contentTypeFor('feed.json')).toBe('application/feed+json; charset=utf-8')
    expect(contentTypeFor('chapters/ep-1.json')).toBe('application/json+chapters; charset=utf-8')
    expect(contentTypeFor('torrents/ep-1.torrent')).toBe('application/x-bittorrent')
    expect(contentTypeFor('media/ep-1.mp3')).toBe('audio/mpeg')
    expect(contentTypeFor('media/ep-1.mp4')).toBe('video/mp4')
    expect(contentTypeFor('media/ep-1.webm')).toBe('video/webm')
    expect(contentTypeFor('cover.jpg')).toBe('image/jpeg')
    expect(contentTypeFor('media/unknown.zzz')).toBe('application/octet-stream')
  })
})

describe('mount paths and base URL checks', () => {
  it('mounts a show at its base URL path', () => {
    expect(mountPathOf('http://localhost:8080/')).toBe('/')
    expect(mountPathOf('https://example.org/fieldnotes/')).toBe('/fieldnotes/')
    expect(mountPathOf('https://example.org/a/b')).toBe('/a/b/')
  })
  it('warns when the base URL names another port or host than where the server listens', () => {
    expect(baseUrlMismatch('http://localhost:8080/', { host: '127.0.0.1', port: 8080 })).toBeUndefined()
    expect(baseUrlMismatch('http://127.0.0.1:8080/x/', { host: '0.0.0.0', port: 8080 })).toBeUndefined()
    expect(baseUrlMismatch('http://localhost:8080/', { host: '127.0.0.1', port: 9000 })).toContain('names port 8080, this server listens on port 9000')
    expect(baseUrlMismatch('http://192.168.1.20:8080/', { host: '127.0.0.1', port: 8080 })).toContain('names host 192.168.1.20')
    expect(baseUrlMismatch('http://podbox.lan:8080/', { host: '0.0.0.0', port: 9000 })).toContain('names port 8080')
    // A name on the scheme's default port is taken to be a reverse proxy in front of the server.
    expect(baseUrlMismatch('https://pod.example.org/show/', { host: '127.0.0.1', port: 8080 })).toBeUndefined()
  })
})
