import { Flags } from '@oclif/core'
import { NO_RATE_LIMIT, parseRate } from '../src/swarm/rate.js'
import type { SeedOptions } from '../src/swarm/seed/seeder.js'

/** The peer flags of `seed`, for other long-running commands that seed (follow run). */
export const seedFlags = {
  port: Flags.integer({ description: 'TCP/uTP port to accept peers on (default: any free port)', min: 0, max: 65535 }),
  dht: Flags.boolean({ description: 'use the Mainline DHT (--no-dht to disable)', default: true, allowNo: true }),
  lsd: Flags.boolean({ description: 'Local Service Discovery on the LAN (--no-lsd to disable)', default: true, allowNo: true }),
  webrtc: Flags.boolean({ description: 'accept WebRTC peers through ws:// trackers (--no-webrtc to disable)', default: true, allowNo: true }),
  'ice-server': Flags.string({ description: 'STUN/TURN URL for WebRTC, repeatable; "none" for host candidates only', multiple: true }),
  utp: Flags.boolean({ description: 'uTP besides TCP (--no-utp to disable)', default: true, allowNo: true }),
  'upload-limit': Flags.string({ description: 'cap upload speed, bytes per second with optional k/m/g suffix (e.g. 1M; 0 for no limit, the default)' }),
  'max-conns': Flags.integer({ description: 'most peer connections per torrent', min: 1, default: 55 }),
  state: Flags.directory({ description: 'fast-resume and status folder (default $XDG_STATE_HOME/seedcast or ~/.local/state/seedcast; `seedcast peers` reads it)' })
}

export interface SeedFlagValues {
  port?: number
  dht: boolean
  lsd: boolean
  webrtc: boolean
  'ice-server'?: string[]
  utp: boolean
  'upload-limit'?: string
  'max-conns': number
  state?: string
}

export function seedOptionsFromFlags (flags: SeedFlagValues): Omit<SeedOptions, 'onEvent'> {
  return {
    torrentPort: flags.port,
    dht: flags.dht,
    lsd: flags.lsd,
    webrtc: flags.webrtc,
    utp: flags.utp,
    ...(flags['ice-server'] ? { rtcConfig: { iceServers: flags['ice-server'].filter(url => url !== 'none').map(urls => ({ urls })) } } : {}),
    uploadLimit: flags['upload-limit'] ? parseRate(flags['upload-limit'], '--upload-limit') : NO_RATE_LIMIT,
    maxConns: flags['max-conns'],
    stateDir: flags.state
  }
}
