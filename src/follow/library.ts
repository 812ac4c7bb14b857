import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Where `follow` keeps its library unless `--dir` says otherwise: $SEEDCAST_LIBRARY,
 * else $XDG_DATA_HOME/seedcast/library, else ~/.local/share/seedcast/library (the media a
 * user collects is data, not state or cache: it must survive a cache purge).
 */
export function defaultLibraryDir (): string {
  if (process.env.SEEDCAST_LIBRARY) return process.env.SEEDCAST_LIBRARY
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share')
  return join(base, 'seedcast', 'library')
}

/**
 * The library is a folder a person can read:
 *   follow.json                       what is followed and what was fetched (the state)
 *   <feed>/<episode>/<media file>     one folder per episode, the file named as its torrent names it
 *   <feed>/<episode>/<episode>.torrent
 * Hidden entries (.partial downloads, the lock, the running `follow run`'s lock and pid:
 * run-lock.ts) are seedcast's working files.
 */
export function libraryPaths (dir: string) {
  return {
    dir,
    stateFile: join(dir, 'follow.json'),
    lockFile: join(dir, '.follow.lock'),
    runLockFile: join(dir, '.follow-run.lock'),
    runPidFile: join(dir, '.follow-run.pid'),
    feedDir: (feed: string) => join(dir, feed),
    episodeDir: (feed: string, episode: string) => join(dir, feed, episode),
    torrentFile: (feed: string, episode: string) => join(dir, feed, episode, `${episode}.torrent`),
    partialDir: (feed: string, episode: string) => join(dir, feed, episode, '.partial')
  }
}
