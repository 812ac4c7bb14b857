import { describe, expect, it } from 'vitest'
import { APPLE_CATEGORIES, findAppleCategory, isAppleCategory } from '../../src/feed/apple-categories.ts'
import { podcastGuid } from '../../src/feed/guid.ts'
import { licenseUrl } from '../../src/feed/license.ts'
import { episodeUrls, feedUrls, publicUrl } from '../../src/feed/urls.ts'
import { parseMagnet } from '../../src/torrent/magnet.ts'
import { sampleEpisode, sampleShow } from '../integration/feed-lint-show.ts'

describe('podcastGuid', () => {
  it('matches the Podcasting 2.0 spec vectors', () => {
    expect(podcastGuid('https://mp3s.nashownotes.com/pc20rss.xml')).toBe('917393e3-1b1e-5cef-ace4-edaa54e1f810')
    expect(podcastGuid('https://podnews.net/rss')).toBe('9b024349-ccf0-5f69-a609-6b82873eab3c')
  })

  it('ignores the scheme and trailing slashes', () => {
    const guid = podcastGuid('podnews.net/rss')
    expect(podcastGuid('http://podnews.net/rss/')).toBe(guid)
    expect(podcastGuid('podnews.net/rss////')).toBe(guid)
    expect(podcastGuid('https://podnews.net/other')).not.toBe(guid)
  })
})

describe('Apple categories', () => {
  it('accepts Apple\'s current names and subcategories, exactly spelled', () => {
    expect(isAppleCategory('Society & Culture', 'Documentary')).toBe(true)
    expect(isAppleCategory('Technology')).toBe(true)
    expect(isAppleCategory('Arts', 'Books')).toBe(true)
    expect(isAppleCategory('True Crime')).toBe(true)
    expect(isAppleCategory('TV & Film', 'After Shows')).toBe(true)
    expect(isAppleCategory('Leisure', 'Animation & Manga')).toBe(true)
  })

  it('rejects old, misspelled or mismatched names', () => {
    expect(isAppleCategory('Games & Hobbies')).toBe(false)
    expect(isAppleCategory('Society and Culture')).toBe(false)
    expect(isAppleCategory('society & culture')).toBe(false)
    expect(isAppleCategory('Arts', 'Documentary')).toBe(false)
    expect(isAppleCategory('Technology', 'Tech News')).toBe(false)
    expect(isAppleCategory('toString')).toBe(false)
  })

  it('finds Apple\'s spelling for loosely typed names', () => {
    expect(findAppleCategory('society and culture', 'documentary')).toEqual({ category: 'Society & Culture', subcategory: 'Documentary' })
    expect(findAppleCategory('tv & film')).toEqual({ category: 'TV & Film' })
    expect(findAppleCategory('Nope')).toBeUndefined()
    expect(Object.keys(APPLE_CATEGORIES)).toHaveLength(19)
  })
})

describe('URLs', () => {
  const show = sampleShow({ baseUrl: 'https://cdn.example.org/shows/my show/' })

  it('are the base URL + the public path, segments percent-encoded', () => {
    expect(feedUrls(show)).toEqual({
      rss: 'https://cdn.example.org/shows/my show/rss.xml',
      p2p: 'https://cdn.example.org/shows/my show/p2p.xml',
      atom: 'https://cdn.example.org/shows/my show/atom.xml',
      json: 'https://cdn.example.org/shows/my show/feed.json'
    })
    expect(publicUrl({ baseUrl: 'https://h.example/a/' }, 'media/ep 1 & 2.mp3')).toBe('https://h.example/a/media/ep%201%20%26%202.mp3')
    expect(publicUrl({ baseUrl: 'https://h.example/a' }, '/cover.jpg')).toBe('https://h.example/a/cover.jpg')
  })

  it('give an episode its media, torrent, chapters, image and magnet', () => {
    const episode = sampleEpisode(7, { imagePath: 'images/seven.png' })
    const urls = episodeUrls(sampleShow(), episode)
    const base = sampleShow().baseUrl
    expect(urls).toMatchObject({
      media: `${base}media/episode-7.mp3`,
      torrent: `${base}torrents/episode-7.torrent`,
      chapters: `${base}chapters/episode-7.json`,
      image: `${base}images/seven.png`
    })
    expect(parseMagnet(urls.magnet)).toMatchObject({
      infoHash: episode.infoHash,
      name: 'episode-7.mp3',
      length: episode.length,
      trackers: sampleShow().trackers,
      webSeeds: [urls.media],
      torrentUrl: urls.torrent
    })
    expect(episodeUrls(sampleShow(), sampleEpisode(8, { chaptersPath: undefined })).chapters).toBeUndefined()
  })
})

describe('licenseUrl', () => {
  it('points Creative Commons ids at creativecommons.org and others at spdx.org', () => {
    expect(licenseUrl('CC-BY-SA-4.0')).toBe('https://creativecommons.org/licenses/by-sa/4.0/')
    expect(licenseUrl('CC-BY-NC-ND-4.0')).toBe('https://creativecommons.org/licenses/by-nc-nd/4.0/')
    expect(licenseUrl('CC0-1.0')).toBe('https://creativecommons.org/publicdomain/zero/1.0/')
    expect(licenseUrl('MIT')).toBe('https://spdx.org/licenses/MIT.html')
  })
})
