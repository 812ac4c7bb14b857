import { readFile, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { processAlive } from '../process-alive.js'
import type { PeerStatus, TorrentStatus } from './seed/events.js'

/**
 * A running seeder rewrites `<stateDir>/status/<pid>.json` about once a second (atomic
 * rename, so readers never see half a file) and removes it when it stops. `seedcast
 * peers` reads these files: no socket or port to open, works for any number of seeders
 * sharing a state folder, and a crashed seeder is recognised by its dead pid.
 */
export interface SeederStatus {
  version: 1
  pid: number
  startedAt: string
  updatedAt: string
  port: number
  peerId: string
  /** The seeder's WebRTC child process (absent when WebRTC is off): its pid while it runs, and how often it was restarted after dying. */
  webrtc?: { pid?: number, restarts: number }
  torrents: Array<TorrentStatus & { peerList: PeerStatus[] }>
}

export function statusDir (stateDir: string): string {
  return join(stateDir, 'status')
}

export async function writeStatus (stateDir: string, status: SeederStatus): Promise<void> {
  await writeFileAtomic(join(statusDir(stateDir), `${status.pid}.json`), JSON.stringify(status) + '\n')
}

export async function removeStatus (stateDir: string, pid: number): Promise<void> {
  await rm(join(statusDir(stateDir), `${pid}.json`), { force: true })
}

/**
 * Removes the status files that killed seeders left (kill -9, a crash, an OOM kill): a
 * seeder removes its own when it stops, so a box that restarts after crashes otherwise
 * gathers one file per crash (its whole torrent list, 60 kB for 200 episodes) for ever.
 * Run as a seeder starts; the file names are the pids, so a live one's are left alone.
 */
export async function removeDeadStatuses (stateDir: string): Promise<void> {
  const names = await readdir(statusDir(stateDir)).catch(() => [] as string[])
  for (const name of names) {
    // <pid>.json, or write-file-atomic's <pid>.json.<number> of a kill in mid-write.
    const pid = /^(\d+)\.json(?:\.\d+)?$/.exec(name)?.[1]
    if (pid && Number(pid) !== process.pid && !processAlive(Number(pid))) await rm(join(statusDir(stateDir), name), { force: true }).catch(() => {})
  }
}

/** Status of every live seeder using `stateDir` (files of dead processes are ignored). */
export async function readStatuses (stateDir: string): Promise<SeederStatus[]> {
  let names: string[]
  try {
    names = (await readdir(statusDir(stateDir))).filter(name => /^\d+\.json$/.test(name))
  } catch {
    return []
  }
  const statuses: SeederStatus[] = []
  for (const name of names) {
    try {
      const status = JSON.parse(await readFile(join(statusDir(stateDir), name), 'utf8')) as SeederStatus
      if (status.version === 1 && processAlive(status.pid)) statuses.push(status)
    } catch {
      // removed or being replaced between readdir and read: skip it
    }
  }
  return statuses
}

