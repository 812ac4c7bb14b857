import { SeedcastError } from '../errors.js'

// Checks of the per-episode values given to publish and edit.

function invalid (flag: string, message: string, hint?: string): never {
  throw new SeedcastError(`--${flag}: ${message}`, { code: 'EBADFLAG', exitCode: 2, hint })
}

/** An ISO 8601 date-time in UTC from a Date or any date text Date understands. */
export function normaliseDate (value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value.trim())
  if (Number.isNaN(date.getTime())) invalid('date', `"${String(value)}" is not a date`, 'e.g. 2026-11-28 or 2026-11-28T09:30:00Z')
  return date.toISOString()
}

export function checkPositiveInteger (value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  if (!Number.isInteger(value) || value < 1) invalid(flag, `${value} is not a whole number from 1 up`)
  return value
}

export function checkTitle (value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const title = value.trim()
  if (!title) invalid('title', 'must not be empty')
  return title
}
