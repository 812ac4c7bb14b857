import { fastPathCounts } from './fast-path-counts.js'

/** The member of webtorrent's WebConn.prototype (lib/webconn.js) dropRequestsAfterClose replaces. */
export interface RequestingWebConnProto {
  httpRequest: (this: RequestingWebConn, pieceIndex: number, offset: number, length: number, callback: (error: Error | null, data?: Uint8Array) => void) => unknown
}
interface RequestingWebConn extends RequestingWebConnProto {
  _torrent: object | null
}

/**
 * A web seed is a WebConn: a wire that answers the requests written to it by fetching
 * their ranges. Destroying it (the torrent is destroyed: `get --stdout` failing on a full
 * disk, a listener gone) ends its stream and sets its `_torrent` to null, but a request
 * already written to it is still parsed after that, and WebConn's httpRequest reads
 * `this._torrent.pieceLength` first: a TypeError inside an async function nobody awaits,
 * so an unhandled rejection that ended `get` with a stack trace instead of its one-line
 * error (1 run in 30 of the /dev/full test). Here a request that reaches a closed web seed
 * is dropped: no fetch, and no answer, since the wire that asked is gone. Applied by
 * webtorrent-internals.ts, which checks the member exists first.
 */
export function dropRequestsAfterClose (proto: RequestingWebConnProto): void {
  const httpRequest = proto.httpRequest
  proto.httpRequest = function (pieceIndex, offset, length, callback) {
    if (this._torrent == null) {
      fastPathCounts.closedWebSeedRequests++
      return undefined
    }
    return httpRequest.call(this, pieceIndex, offset, length, callback)
  }
}
