import { readPodcasterText } from './text-file.js'
import { basename } from 'node:path'
import { SeedcastError } from '../errors.js'
import { htmlTranscript, jsonTranscript } from './transcript-formats.js'

/** A transcript file as podcast:transcript serves it, with its cues' text for the episode page. */
export interface Transcript {
  /** File extension below public/transcripts/. */
  extension: 'vtt' | 'srt' | 'json' | 'html'
  /** podcast:transcript type. */
  mimeType: 'text/vtt' | 'application/x-subrip' | 'application/json' | 'text/html'
  /** The file as published (UTF-8, BOM removed, line ends normalised; HTML sanitised). */
  text: string
  /** The spoken text, cue by cue, without timings, numbers or markup. */
  cues: Array<{ start: number, text: string }>
}

const TIMING = /^((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})/

/**
 * Reads a transcript in one of the podcast:transcript formats, told apart by content:
 * Podcasting 2.0 JSON (an object with segments), HTML (it starts with a tag), WebVTT
 * (WEBVTT header) or SubRip (numbered cues with comma timings). Each is checked to hold
 * some text: a file that is none of them is refused before anything is published.
 */
export async function readTranscript (path: string): Promise<Transcript> {
  // The library names its option, not the flag: the CLI shows `transcript` as --transcript.
  const label = `\`transcript\` ${basename(path)}`
  const text = (await readPodcasterText(path, why => notTranscript(label, why))).replace(/\r\n?/g, '\n')
  const start = text.trimStart()
  if (start.startsWith('{') || start.startsWith('[')) return jsonTranscript(text, why => notTranscript(label, why))
  if (start.startsWith('<')) return htmlTranscript(text, why => notTranscript(label, why))
  const vtt = /^WEBVTT(?:[ \t].*)?(?:\n|$)/.test(text)
  const cues = parseCues(text, vtt)
  if (!cues.length) throw notTranscript(label, vtt ? 'the WebVTT file has no cues' : 'no WEBVTT header and no SubRip cues')
  return vtt
    ? { extension: 'vtt', mimeType: 'text/vtt', text, cues }
    : { extension: 'srt', mimeType: 'application/x-subrip', text, cues }
}

function notTranscript (label: string, why: string): SeedcastError {
  return new SeedcastError(`${label}: not a WebVTT, SubRip, JSON or HTML transcript (${why})`, { code: 'EUSAGE', option: 'transcript', hint: 'give a .vtt (starting with WEBVTT), .srt, Podcasting 2.0 JSON ({"segments": [...]}) or HTML file' })
}

/** Cue blocks: a timing line, then text lines up to a blank line (SRT and VTT alike). */
function parseCues (text: string, vtt: boolean): Array<{ start: number, text: string }> {
  const cues: Array<{ start: number, text: string }> = []
  for (const block of text.split(/\n{2,}/)) {
    const lines = block.split('\n')
    const at = lines.findIndex(line => TIMING.test(line))
    if (at < 0 || at > 1) continue // NOTE/STYLE blocks in VTT; an SRT cue has at most its number before the timing
    if (!vtt && at === 1 && !/^\d+$/.test(lines[0]!.trim())) continue
    const words = lines.slice(at + 1).join(' ').replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim()
    if (words) cues.push({ start: seconds(TIMING.exec(lines[at]!)![1]!), text: decodeEntities(words) })
  }
  return cues
}

function seconds (time: string): number {
  const parts = time.replace(',', '.').split(':').map(Number)
  return parts.reduce((total, part) => total * 60 + part, 0)
}

// VTT cue text escapes these; SRT text is plain.
function decodeEntities (text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&')
}
