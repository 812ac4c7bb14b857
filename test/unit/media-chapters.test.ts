import { describe, expect, it } from 'vitest'
import { chaptersFromMetadata, chaptersJson } from '../../src/media/chapters.ts'

describe('chaptersJson', () => {
  it('makes a Podcasting 2.0 JSON chapters document, sorted, times in seconds', () => {
    const document = chaptersJson([
      { startTime: 10.0004, title: 'Main topic', endTime: 34.377 },
      { startTime: 0, title: 'Introduction', endTime: 10 }
    ])
    expect(document).toEqual({
      version: '1.2.0',
      chapters: [
        { startTime: 0, title: 'Introduction', endTime: 10 },
        { startTime: 10, title: 'Main topic', endTime: 34.377 }
      ]
    })
    expect(JSON.parse(JSON.stringify(document))).toEqual(document)
  })

  it('leaves endTime out when unknown, and keeps an empty list valid', () => {
    expect(chaptersJson([{ startTime: 5, title: 'Only start' }])).toEqual({ version: '1.2.0', chapters: [{ startTime: 5, title: 'Only start' }] })
    expect(chaptersJson([])).toEqual({ version: '1.2.0', chapters: [] })
  })
})

describe('chaptersFromMetadata', () => {
  it('turns MP4 chapter-track times (in timeScale units, no end) into seconds ending at the next start', () => {
    const chapters = chaptersFromMetadata([
      { title: 'Colour bars', start: 0, timeScale: 1000 },
      { title: 'Tone', start: 2000, timeScale: 1000 }
    ], 4.023)
    expect(chapters).toEqual([
      { startTime: 0, title: 'Colour bars', endTime: 2 },
      { startTime: 2, title: 'Tone', endTime: 4.023 }
    ])
  })

  it('keeps ID3 CHAP times (seconds with an end) and names untitled chapters', () => {
    expect(chaptersFromMetadata([{ title: '', start: 0, end: 10 }, { title: 'Two', start: 10, end: 20 }], 20)).toEqual([
      { startTime: 0, title: 'Chapter 1', endTime: 10 },
      { startTime: 10, title: 'Two', endTime: 20 }
    ])
    expect(chaptersFromMetadata(undefined, 10)).toEqual([])
  })
})
