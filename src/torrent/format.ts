/** `1.5 MiB`, `512 B`: binary units, as piece lengths are powers of two. */
export function formatBytes (bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++ }
  const digits = unit === 0 || Number.isInteger(value) ? 0 : value < 10 ? 2 : 1
  return `${value.toFixed(digits)} ${units[unit]}`
}

/** `[1,2,3,7,9,10]` → `1-3, 7, 9-10`, so long lists of bad pieces stay readable. */
export function formatRanges (numbers: number[]): string {
  const parts: string[] = []
  for (let i = 0; i < numbers.length; i++) {
    const start = numbers[i]!
    while (i + 1 < numbers.length && numbers[i + 1] === numbers[i]! + 1) i++
    parts.push(start === numbers[i] ? `${start}` : `${start}-${numbers[i]}`)
  }
  return parts.join(', ')
}
