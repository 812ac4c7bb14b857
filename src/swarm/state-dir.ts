import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Where `seed` keeps fast-resume records and status files unless `--state` says
 * otherwise: $SEEDCAST_STATE_DIR, else $XDG_STATE_HOME/seedcast, else
 * ~/.local/state/seedcast. One folder per user rather than one per show folder, because
 * a seed box seeds loose .torrent files and many shows from one process, and
 * `seedcast peers` must find the status without being told which show it came from.
 */
export function defaultStateDir (): string {
  if (process.env.SEEDCAST_STATE_DIR) return process.env.SEEDCAST_STATE_DIR
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state')
  return join(base, 'seedcast')
}
