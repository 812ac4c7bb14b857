/*
 * Figures as the dashboard shows them. (The player has its own formatter; sharing one
 * module would make Vite emit a chunk common to both, which the site writer would then
 * publish with every show.)
 */

/** 1234567 → "1.2 MB" (decimal units, as transfer figures are usually shown). */
export function formatBytes (bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let value = bytes / 1000
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++ }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

export function formatRate (bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`
}

/** 0.4567 → "46%". */
export function formatShare (fraction: number): string {
  return `${Math.round(fraction * 100)}%`
}

/** 1.2345 → "1.23". */
export function formatRatio (ratio: number): string {
  return ratio.toFixed(2)
}
