import * as Flags from '@oclif/core/flags'
import type { EpisodeExtraOptions } from '../src/show/episode-extras.js'

/** What a podcaster adds to an episode beside its media; shared by publish and episodes edit. */
export const episodeExtraFlags = {
  type: Flags.string({ description: 'episode type: full (default), trailer or bonus (itunes:episodeType; trailers also go in podcast:trailer)', options: ['full', 'trailer', 'bonus'] }),
  notes: Flags.string({ description: 'show notes as a Markdown file: sanitised HTML in content:encoded, plain text as the description' }),
  transcript: Flags.string({ description: 'transcript: WebVTT (.vtt), SubRip (.srt), Podcasting 2.0 JSON or HTML; copied to public/transcripts/ (HTML sanitised), linked as podcast:transcript' }),
  chapters: Flags.string({ description: 'chapters: a JSON chapters file or "HH:MM:SS Title" lines (replaces chapters from the tags)' }),
  person: Flags.string({ description: 'someone on the episode as "Name:role", e.g. "Ana:host", "Bo:guest" (podcast:person; repeatable)', multiple: true }),
  image: Flags.string({ description: 'episode art, a square JPEG or PNG of 1400 to 3000 px (itunes:image of the item; in place of cover art in the tags); "" for none' })
}

export function episodeExtraOptions (flags: { type?: string, notes?: string, transcript?: string, chapters?: string, person?: string[], image?: string }): EpisodeExtraOptions {
  return { type: flags.type, notes: flags.notes, transcript: flags.transcript, chapters: flags.chapters, persons: flags.person, image: flags.image }
}
