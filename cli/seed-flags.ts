import * as Flags from '@oclif/core/flags'
import { NO_RATE_LIMIT, parseRate } from '../src/swarm/rate.js'
import type { SeedOptions } from '../src/swarm/seed/seeder.js'

/**
 * The peer flags of `seed`, defined once: `seed` and `follow run` take them all, `serve`
 * (with --seed) the ones in peerTuningFlags (its --host, --torrent-port, --dht and --state
 * are its own).
 */
export const seedFlags = {
  port: Flags.integer({ description: 'TCP/uTP port to accept peers on (default: any free port)', min: 0, max: 65535 }),
  host: Flags.string({ description: 'address the peer port and the DHT listen on, and that outgoing peer connections, HTTP and UDP tracker requests and the advertised WebRTC candidates use (default: every interface; 127.0.0.1 keeps the peer side on this machine)' }),
  dht: Flags.boolean({ description: 'use the Mainline DHT (--no-dht to disable)', default: true, allowNo: true }),
  lsd: Flags.boolean({ description: 'Local Service Discovery on the LAN (default: on, off when the peer port is on a loopback address; --no-lsd to disable)', allowNo: true }),
  webrtc: Flags.boolean({ description: 'accept WebRTC peers through ws:// trackers (--no-webrtc to disable)', default: true, allowNo: true }),
  'ice-server': Flags.string({ description: 'STUN/TURN URL for WebRTC, repeatable; "none" for host candidates only (default: the WebRTC library\'s public STUN servers)', multiple: true }),
  utp: Flags.boolean({ description: 'uTP besides TCP (--no-utp to disable)', default: true, allowNo: true }),
  'upload-limit': Flags.string({ description: 'cap upload speed, bytes per second with optional k/m/g suffix (e.g. 1M; 0 for no limit, the default)' }),
  'max-conns': Flags.integer({ description: 'most peer connections per torrent, incoming ones included', min: 1, default: 55 }),
  state: Flags.directory({ description: 'fast-resume and status folder (default $XDG_STATE_HOME/seedcast or ~/.local/state/seedcast; `seedcast peers` reads it)' })
}

/** The flags `serve --seed` shares with `seed`, each also read from SEEDCAST_<NAME> as every serve flag is. */
export const peerTuningFlags = {
  'upload-limit': forServe(seedFlags['upload-limit'], 'SEEDCAST_UPLOAD_LIMIT'),
  'max-conns': forServe(seedFlags['max-conns'], 'SEEDCAST_MAX_CONNS'),
  lsd: forServe(seedFlags.lsd, 'SEEDCAST_LSD'),
  utp: forServe(seedFlags.utp, 'SEEDCAST_UTP'),
  webrtc: forServe(seedFlags.webrtc, 'SEEDCAST_WEBRTC'),
  'ice-server': forServe(seedFlags['ice-server'], 'SEEDCAST_ICE_SERVER')
}

/** `flag` as serve shows it: "with --seed: " before its description, and read from `env` too. */
function forServe<F extends { description?: string }> (flag: F, env: string): F {
  return { ...flag, description: `with --seed: ${flag.description ?? ''}`, env }
}

export interface PeerTuningValues {
  lsd?: boolean
  webrtc: boolean
  'ice-server'?: string[]
  utp: boolean
  'upload-limit'?: string
  'max-conns': number
}

/** The seeding options of the flags `serve` shares with `seed`. */
export function peerTuningOptions (flags: PeerTuningValues): Pick<SeedOptions, 'lsd' | 'webrtc' | 'utp' | 'rtcConfig' | 'uploadLimit' | 'maxConns'> {
  return {
    ...(flags.lsd === undefined ? {} : { lsd: flags.lsd }),
    webrtc: flags.webrtc,
    utp: flags.utp,
    ...(flags['ice-server'] ? { rtcConfig: { iceServers: flags['ice-server'].filter(url => url !== 'none').map(urls => ({ urls })) } } : {}),
    uploadLimit: flags['upload-limit'] ? parseRate(flags['upload-limit'], '--upload-limit') : NO_RATE_LIMIT,
    maxConns: flags['max-conns']
  }
}

export interface SeedFlagValues extends PeerTuningValues {
  port?: number
  host?: string
  dht: boolean
  state?: string
}

export function seedOptionsFromFlags (flags: SeedFlagValues): Omit<SeedOptions, 'onEvent'> {
  return {
    torrentPort: flags.port,
    ...(flags.host ? { host: flags.host } : {}),
    dht: flags.dht,
    ...peerTuningOptions(flags),
    stateDir: flags.state
  }
}
