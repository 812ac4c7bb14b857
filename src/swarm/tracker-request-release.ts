import { fastPathCounts } from './fast-path-counts.js'

type Callback = (error: Error | null, data?: unknown) => void

/** The member of bittorrent-tracker's HTTPTracker.prototype (lib/client/http-tracker.js) releaseFailedRequests wraps. */
export interface RequestingHttpTrackerProto {
  _request: (this: RequestingHttpTracker, requestUrl: string, params: object, cb: Callback) => unknown
}
interface RequestingHttpTracker extends RequestingHttpTrackerProto {
  cleanupFns: Array<() => void>
}

/**
 * bittorrent-tracker's HTTP tracker lists a cleanup for each announce in flight, and its
 * destroy waits for that list to empty, or 1 s (DESTROY_TIMEOUT). An announce whose request
 * fails (connection refused, a name that does not resolve, a reset) answers its callback
 * without running its cleanup, so it stays listed: every `get`, `seed` or `follow run` whose
 * show names a tracker that is down waited a whole second on its way out (the 'stopped'
 * announce of the exit fails too), and `get --timeout 1` took 3.4 s to give up. Here a
 * request that answers with an error while its cleanup is still listed has it run then (it
 * aborts the request's timer and lets a waiting destroy go on). Applied by
 * webtorrent-internals.ts, which checks the member exists first.
 */
export function releaseFailedRequests (proto: RequestingHttpTrackerProto): void {
  const request = proto._request
  proto._request = function (requestUrl, params, cb) {
    const listed = Array.isArray(this.cleanupFns) ? this.cleanupFns.length : -1
    let own: (() => void) | undefined
    const result = request.call(this, requestUrl, params, (error, data) => {
      if (error && own) release(this, own)
      cb(error, data)
    })
    // _request is async: up to its first await (the fetch) it ran here, and listed its cleanup.
    if (listed >= 0 && this.cleanupFns.length === listed + 1) own = this.cleanupFns[listed]
    return result
  }
}

function release (tracker: RequestingHttpTracker, cleanup: () => void): void {
  const at = tracker.cleanupFns.indexOf(cleanup)
  if (at < 0) return
  // Unlisted here: a cleanup whose request timed out (its abort signal already fired) keeps
  // itself listed when it runs.
  tracker.cleanupFns.splice(at, 1)
  fastPathCounts.releasedTrackerRequests++
  cleanup()
}
