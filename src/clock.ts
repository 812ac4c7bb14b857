/**
 * A duration as players show it: 34 s → "0:34", 3725 s → "1:02:05". On its own, since the
 * CLI's episode listing uses it and must not load the site's page code to do so.
 */
export function clock (seconds: number): string {
  const total = Math.max(0, Math.round(seconds))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}
