import { invalid } from '../errors.js'
import type { EpisodePerson, EpisodeType } from '../model/show.js'

// Checks of the per-episode values given to publish and edit.

export function checkPositiveInteger (value: number | undefined, option: string): number | undefined {
  if (value === undefined) return undefined
  if (!Number.isInteger(value) || value < 1) invalid(option, `${value} is not a whole number from 1 up`)
  return value
}

export function checkTitle (value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const title = value.trim()
  if (!title) invalid('title', 'must not be empty')
  return title
}

export const EPISODE_TYPES = ['full', 'trailer', 'bonus'] as const

export function checkEpisodeType (value: string | undefined): EpisodeType | undefined {
  if (value === undefined) return undefined
  const type = value.trim().toLowerCase()
  if (!(EPISODE_TYPES as readonly string[]).includes(type)) invalid('type', `"${value}" is not an episode type`, 'full, trailer or bonus')
  return type as EpisodeType
}

// Roles of the Podcasting 2.0 person taxonomy (podcast-namespace/taxonomy.json), by group;
// the ones podcasters credit most.
const ROLE_GROUPS: Record<string, string[]> = {
  cast: ['host', 'co-host', 'guest', 'narrator', 'announcer', 'reporter', 'voice actor'],
  writing: ['author', 'writer', 'editor', 'story editor', 'researcher', 'consultant', 'translator'],
  'creative direction': ['director', 'producer', 'executive producer', 'senior producer', 'associate producer', 'creative director'],
  'audio production': ['composer', 'musician', 'song writer', 'theme music', 'sound designer', 'foley artist'],
  'audio post-production': ['audio engineer', 'audio editor', 'mixing engineer', 'mastering engineer', 'sound engineer'],
  administration: ['booking coordinator', 'social media manager', 'marketing manager', 'sales representative'],
  visuals: ['cover art designer', 'graphic designer', 'photographer', 'videographer'],
  video: ['camera operator', 'video editor', 'lighting designer', 'makeup artist']
}

/**
 * A person given as "Name:role" (role from the Podcasting 2.0 taxonomy, "host" when left
 * out), as podcast:person carries it: name, role and the role's group.
 */
export function parsePerson (value: string): EpisodePerson {
  const at = value.lastIndexOf(':')
  const name = (at < 0 ? value : value.slice(0, at)).trim()
  const role = (at < 0 ? 'host' : value.slice(at + 1)).trim().toLowerCase()
  if (!name) invalid('person', `"${value}" has no name`, 'write it as "Name:role", e.g. "Ana Lima:host"')
  const group = Object.entries(ROLE_GROUPS).find(([, roles]) => roles.includes(role))?.[0]
  if (!group) invalid('person', `"${role}" is not a role of the podcast:person taxonomy`, `e.g. ${Object.values(ROLE_GROUPS).map(roles => roles[0]).join(', ')}, guest, producer`)
  return { name, role, group }
}
