import type { FeedLicense } from './types.js'

/**
 * SPDX ids of free licenses (OSI / FSF / Free Cultural Works) that a podcast might use
 * beside Creative Commons: each lets anyone pass on verbatim copies.
 */
const FREE_SPDX = new Set([
  '0bsd', 'mit', 'isc', 'unlicense', 'wtfpl', 'apache-2.0', 'mpl-2.0', 'artistic-2.0', 'fal-1.3', 'lal-1.3',
  'pddl-1.0', 'odbl-1.0', 'odc-by-1.0', 'ofl-1.1', 'bsd-2-clause', 'bsd-3-clause',
  'gpl-2.0', 'gpl-2.0-only', 'gpl-2.0-or-later', 'gpl-3.0', 'gpl-3.0-only', 'gpl-3.0-or-later',
  'lgpl-2.1', 'lgpl-2.1-only', 'lgpl-2.1-or-later', 'lgpl-3.0', 'lgpl-3.0-only', 'lgpl-3.0-or-later',
  'agpl-3.0', 'agpl-3.0-only', 'agpl-3.0-or-later', 'gfdl-1.3', 'gfdl-1.3-only', 'gfdl-1.3-or-later'
])

/**
 * Whether a feed's license lets anyone pass on verbatim copies, which is all seeding
 * does. Every Creative Commons license does (NC and ND included: seeding an unchanged
 * file for free is non-commercial, verbatim sharing), as do CC0, public-domain marks
 * and the free licenses above. A missing license, "All rights reserved" or anything
 * unrecognised does not: seedcast never spreads what it may not.
 */
export function allowsRedistribution (license: FeedLicense | undefined): boolean {
  if (!license) return false
  const id = license.id.trim().toLowerCase()
  if (/all rights reserved/.test(id)) return false
  if (/^cc0(-1\.0)?$/.test(id) || /^cc-by(-nc)?(-nd|-sa)?(-\d\.\d)?(-[a-z]{2,3})?$/.test(id)) return true
  if (/^cc-pdm?(-1\.0)?$/.test(id) || id === 'public domain' || id === 'publicdomain') return true
  if (FREE_SPDX.has(id)) return true
  // Free text naming the license, or only its URL (creativeCommons:license).
  if (/^creative commons\b/.test(id)) return true
  return [license.url, license.id].some(url => url !== undefined && /^https?:\/\/(www\.)?creativecommons\.org\/(licenses|publicdomain)\//i.test(url.trim()))
}
