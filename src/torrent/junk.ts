/**
 * Names skipped when a folder is turned into a torrent, the same set create-torrent
 * skips (so both give the same info dict): every hidden entry (leading dot, which
 * covers .DS_Store, ._AppleDouble, .Trashes, vim swap files...) plus the operating
 * systems' droppings that are not hidden. Applies to folders as well as files.
 */
const JUNK_PATTERNS: RegExp[] = [
  /^\./, // hidden: .DS_Store, .AppleDouble, .LSOverride, ._resource forks, .Spotlight-V100, .*.swp
  /^npm-debug\.log$/,
  /^Icon\r$/, // macOS custom folder icon
  /\.Trashes/,
  /^__MACOSX$/, // resource forks unpacked from a zip
  /~$/, // editor backups
  /^(?:Thumbs|ehthumbs)\.db$/, // Windows thumbnail caches
  /^[Dd]esktop\.ini$/,
  /@eaDir$/ // Synology thumbnails folder
]

/** True when a file or folder name is junk that `create` leaves out unless asked to keep it. */
export function isJunkName (name: string): boolean {
  return JUNK_PATTERNS.some(pattern => pattern.test(name))
}
