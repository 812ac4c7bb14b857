import { readFileSync } from 'node:fs'
import { SeedcastError } from '../src/errors.js'

/**
 * Applies a JSON config file to parsed flags: every key is a flag name ("port",
 * "send-timeout", "shows" for the show folders...) and is used only where the flag was not
 * given on the command line nor by its SEEDCAST_* environment variable (oclif marks those
 * left at their default). So the order is: flags, then environment, then file, then defaults.
 */
export function applyConfigFile<T extends Record<string, unknown>> (path: string, flags: T, fromDefault: (name: string) => boolean, known: string[]): { flags: T, shows?: string[] } {
  let raw: string
  try {
    raw = readFileSync(path, 'utf8')
  } catch (error) {
    throw new SeedcastError(`${path}: cannot read the config file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { code: 'ECONFIG', hint: 'check --config or SEEDCAST_CONFIG' })
  }
  let config: unknown
  try {
    config = JSON.parse(raw)
  } catch (error) {
    throw new SeedcastError(`${path}: not valid JSON (${(error as Error).message})`, { code: 'ECONFIG', hint: 'the config file is a JSON object of flag names and values' })
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new SeedcastError(`${path}: not a JSON object`, { code: 'ECONFIG', hint: 'e.g. {"port": 8080, "seed": true}' })
  const merged: Record<string, unknown> = { ...flags }
  let shows: string[] | undefined
  for (const [key, value] of Object.entries(config)) {
    if (key === 'shows') {
      if (!Array.isArray(value) || !value.every(item => typeof item === 'string')) throw new SeedcastError(`${path}: "shows" must be a list of show folders`, { code: 'ECONFIG' })
      shows = value
      continue
    }
    if (!known.includes(key)) throw new SeedcastError(`${path}: unknown setting "${key}"`, { code: 'ECONFIG', hint: `settings are flag names: ${known.join(', ')}` })
    const current = flags[key]
    if (current !== undefined && typeof value !== typeof current) throw new SeedcastError(`${path}: "${key}" must be a ${typeof current}`, { code: 'ECONFIG' })
    if (fromDefault(key)) merged[key] = value
  }
  return { flags: merged as T, shows }
}
