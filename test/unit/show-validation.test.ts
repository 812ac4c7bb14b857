import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readCover } from '../../src/show/cover.js'
import { imageSize } from '../../src/media/image-size.js'
import { loadShow } from '../../src/show/load.js'
import { slugify } from '../../src/show/slug.js'
import { checkEmail, normaliseBaseUrl, normaliseLanguage, normaliseLicense, parseCategory } from '../../src/show/validate.js'
import { showConfigSchema } from '../../src/show/schema.js'
import { fixture, makeShow } from '../integration/publish-helpers.js'
import { tempDir } from '../helpers/tmp.js'

describe('cover images', () => {
  it('reads JPEG and PNG sizes from the header, by content', async () => {
    expect(imageSize(await readFile(fixture('cover.jpg')))).toEqual({ format: 'jpeg', width: 1400, height: 1400 })
    expect(imageSize(await readFile(fixture('cover-wide.jpg')))).toEqual({ format: 'jpeg', width: 1600, height: 1400 })
    expect(imageSize(await readFile(fixture('cover-small.png')))).toEqual({ format: 'png', width: 500, height: 500 })
    expect(imageSize(await readFile(fixture('episode.mp3')))).toBeUndefined()
    expect(imageSize(Buffer.from([0xff, 0xd8, 0xff]))).toBeUndefined()
  })

  it('accepts a square 1400-3000 px cover and says what is wrong with others', async () => {
    const cover = await readCover(fixture('cover.jpg'))
    expect(cover.extension).toBe('jpg')
    await expect(readCover(fixture('cover-small.png'))).rejects.toThrow('`image` cover-small.png: 500x500 is too small')
    await expect(readCover(fixture('cover-wide.jpg'))).rejects.toThrow('`image` cover-wide.jpg: 1600x1400 is not square')
    await expect(readCover(fixture('not-audio.mp3'))).rejects.toThrow('not a JPEG or PNG image')
    await expect(readCover(fixture('nope.jpg'))).rejects.toThrow('no such file or directory')
  })
})

describe('init values', () => {
  it('normalises language tags, base URLs, licenses and categories', () => {
    expect(normaliseLanguage('en-us')).toBe('en-US')
    expect(normaliseLanguage('pt-br')).toBe('pt-BR')
    expect(() => normaliseLanguage('english!')).toThrow('`language`: "english!" is not a BCP 47 language tag')
    // Well-formed BCP 47, but not what podcast apps or `feed lint` accept: refused, with the code.
    expect(() => normaliseLanguage('English')).toThrow(expect.objectContaining({ message: '`language`: "English" is not a BCP 47 language tag', hint: expect.stringMatching(/^did you mean en\?/) }))
    expect(() => normaliseLanguage('qq')).toThrow('is not a BCP 47 language tag')
    expect(normaliseLanguage('fil')).toBe('fil')
    expect(normaliseBaseUrl('https://example.org/pod')).toBe('https://example.org/pod/')
    expect(normaliseBaseUrl('http://localhost:8080')).toBe('http://localhost:8080/')
    expect(() => normaliseBaseUrl('ftp://example.org/')).toThrow('`baseUrl`: "ftp://example.org/" is not an http(s) URL')
    expect(() => normaliseBaseUrl('https://example.org/?a=1')).toThrow('has a query or fragment')
    expect(normaliseLicense('cc-by-sa-4.0')).toBe('CC-BY-SA-4.0')
    expect(normaliseLicense('MIT')).toBe('MIT')
    expect(() => normaliseLicense('CC-BY-FOO')).toThrow('`license`: "CC-BY-FOO" is not an SPDX license id')
    expect(parseCategory('Technology')).toEqual({ category: 'Technology' })
    expect(parseCategory('Society & Culture > Documentary')).toEqual({ category: 'Society & Culture', subcategory: 'Documentary' })
    expect(parseCategory('News', 'Daily News')).toEqual({ category: 'News', subcategory: 'Daily News' })
    expect(() => parseCategory('Cooking')).toThrow('`category`: "Cooking" is not an Apple Podcasts category')
    // The hint lists the valid names, so a wrong category is fixed without looking elsewhere.
    expect(() => parseCategory('Cooking')).toThrow(expect.objectContaining({ hint: expect.stringMatching(/^one of: Arts, Business, .*, Technology, True Crime, TV & Film; with their subcategories in `seedcast init --help`$/) }))
    // Typed loosely, written in Apple's spelling (what feed lint accepts).
    expect(parseCategory('society and culture > places and travel')).toEqual({ category: 'Society & Culture', subcategory: 'Places & Travel' })
    expect(parseCategory('technology')).toEqual({ category: 'Technology' })
    expect(() => parseCategory('Arts > Cooking')).toThrow(expect.objectContaining({ hint: 'one of: Books, Design, Fashion & Beauty, Food, Performing Arts, Visual Arts' }))
    expect(() => parseCategory('Technology > Documentary')).toThrow('`subcategory`: "Documentary" is not a subcategory of "Technology"')
    expect(checkEmail(' a@b.org ')).toBe('a@b.org')
    expect(() => checkEmail('nobody')).toThrow('`ownerEmail`: "nobody" is not an email address')
    // Syntax only, the same rule as show.json's schema (init must not write a show that every
    // later command refuses): short TLDs, plus signs, subdomains and IDN are addresses.
    const emailInShowJson = (value: string) => showConfigSchema.shape.owner.shape.email.safeParse(value).success
    for (const address of ['a@b.c', 'ana+podcast@example.org', 'o.brien@mail.news.example.co.uk', 'ana@bücher.example', 'josé@café.example', 'A@EXAMPLE.ORG', 'x@xn--bcher-kva.example']) {
      expect(checkEmail(address)).toBe(address)
      expect(emailInShowJson(address)).toBe(true)
    }
    for (const nonsense of ['a@b', 'a@@b.c', '@b.c', 'a@', 'a b@c.d', 'a@b c.d', 'a..b@c.d', '.a@c.d', 'a@-b.c', 'a@b..c', 'a@1.2.3.4', 'a@[1.2.3.4]', '"a b"@c.d', 'a@b.c,', 'a@b_c.d']) {
      expect(() => checkEmail(nonsense)).toThrow(`\`ownerEmail\`: "${nonsense}" is not an email address`)
      expect(emailInShowJson(nonsense)).toBe(false)
    }
  })

  it('makes URL-safe slugs', () => {
    expect(slugify('Episode 1: Introduction to seedcast')).toBe('episode-1-introduction-to-seedcast')
    expect(slugify('Café n°3 — «déjà vu»')).toBe('cafe-n-3-deja-vu')
    // Letters of other alphabets are spelled in Latin, not dropped.
    expect(slugify('Straße nach Łódź')).toBe('strasse-nach-lodz')
    expect(slugify('Ærø og Øster: Þórður')).toBe('aero-og-oster-thordur')
    expect(slugify('Привет, мир')).toBe('privet-mir')
    expect(slugify('Καλημέρα κόσμε')).toBe('kalimera-kosme')
    expect(slugify('İstanbul ışık')).toBe('istanbul-isik')
    // Scripts @sindresorhus/transliterate has no spelling for: any-ascii's, a syllable a
    // word (they all gave `episode`, `episode-2`...). Kanji are read as Mandarin.
    expect(slugify('こんにちは世界')).toBe('konnichiha-shi-jie')
    expect(slugify('ポッドキャスト第一回')).toBe('potdokiyasuto-di-yi-hui')
    expect(slugify('你好世界')).toBe('ni-hao-shi-jie')
    expect(slugify('안녕하세요')).toBe('an-nyeong-ha-se-yo')
    expect(slugify('नमस्ते दुनिया')).toBe('nmste-duniya')
    expect(slugify('Episode 5: 東京')).toBe('episode-5-dong-jing')
    // Emoji are not letters: left out, as before. No letter at all: the publish numbers them (episode, episode-2...).
    expect(slugify('🎙️ Episode 1')).toBe('episode-1')
    expect(slugify('⭐⭐⭐')).toBe('episode')
    expect(slugify('!!!')).toBe('episode')
    const long = slugify('a very long title '.repeat(10))
    expect(long.length).toBeLessThanOrEqual(60)
    expect(long).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
  })
})

describe('loading a show folder', () => {
  let dir: { path: string, cleanup: () => Promise<void> }
  beforeEach(async () => { dir = await tempDir() })
  afterEach(async () => { await dir.cleanup() })

  it('says a folder without show.json is not a show folder', async () => {
    await expect(loadShow(dir.path)).rejects.toThrow(`${dir.path}: not a seedcast show folder (no show.json)`)
  })

  it('names the file and the field that is wrong', async () => {
    await makeShow(dir.path)
    const showFile = join(dir.path, 'show.json')
    const config = JSON.parse(await readFile(showFile, 'utf8'))
    const loaded = await loadShow(dir.path)
    expect(loaded.config.title).toBe('Test Show')
    expect(loaded.catalog).toEqual({ version: 1, episodes: [] })

    delete config.title
    await writeFile(showFile, JSON.stringify(config))
    await expect(loadShow(dir.path)).rejects.toThrow('show.json: title: required')

    await writeFile(showFile, JSON.stringify({ ...config, title: 'T', baseUrl: 'https://x.org/no-slash' }))
    await expect(loadShow(dir.path)).rejects.toThrow('show.json: baseUrl: must end with "/"')

    // zod's own English messages (src/model/zod.ts sets them up for zod/mini).
    await writeFile(showFile, JSON.stringify({ ...config, title: 'T', version: 2, explicit: 'yes' }))
    await expect(loadShow(dir.path)).rejects.toThrow('show.json: version: Invalid input: expected 1; explicit: Invalid input: expected boolean, received string')

    await writeFile(showFile, '{ nope')
    await expect(loadShow(dir.path)).rejects.toThrow(/^show\.json: not valid JSON/)

    await writeFile(showFile, JSON.stringify({ ...config, title: 'T' }))
    await writeFile(join(dir.path, 'episodes.json'), JSON.stringify({ version: 1, episodes: [{ slug: 'Bad Slug' }] }))
    await expect(loadShow(dir.path)).rejects.toThrow(/^episodes\.json: episodes\.0\.slug: must be lowercase letters, digits and dashes/)
  })
})
