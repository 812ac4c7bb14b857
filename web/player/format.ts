/** 1234567 → "1.2 MB" (decimal units, as download sizes are usually shown; a no-break space, so a narrow panel never puts the unit on a line of its own). */
export function formatBytes (bytes: number): string {
  if (bytes < 1000) return `${bytes}\u00a0B`
  const units = ['kB', 'MB', 'GB']
  let value = bytes / 1000
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++ }
  return `${value.toFixed(value < 10 ? 1 : 0)}\u00a0${units[unit]}`
}

/** 3725 → "1:02:05", 65 → "1:05". */
export function formatTime (seconds: number): string {
  const total = Math.max(0, Math.floor(seconds))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}
