/** Why a long-running command stops: a signal, or a reason of its own (`duration`). */
export type StopReason = NodeJS.Signals | string

/**
 * How the long-running commands (seed, serve, get, follow run) take SIGINT and SIGTERM:
 * the first one asks for a clean stop (`signal` aborts, `stopped` resolves with its name),
 * a second one while stopping exits at once with 130, as a shell reports an interrupt.
 *
 * Taken before any work starts, so a Ctrl-C during start-up is a clean stop too, never the
 * default kill. The listeners are `on`, not `once`, and never removed: signal-exit (loaded
 * by write-file-atomic) re-raises a signal that no other listener is left to take, which
 * would kill the process in the middle of its clean stop.
 */
export class StopSignals {
  private readonly controller = new AbortController()
  private resolveStopped!: (reason: StopReason) => void
  /** Resolves with the reason of the first stop asked for. */
  readonly stopped = new Promise<StopReason>(resolve => { this.resolveStopped = resolve })

  /** `onFirst` may print what a stop means now (e.g. "stopping after the data check"). */
  constructor (private readonly onFirst?: (reason: StopReason) => void) {
    for (const name of ['SIGINT', 'SIGTERM'] as const) {
      process.on(name, () => {
        if (this.requested) process.exit(130)
        this.stop(name)
      })
    }
  }

  /** Aborts when a stop is asked for; hand it to library functions as `signal`. */
  get signal (): AbortSignal {
    return this.controller.signal
  }

  get requested (): boolean {
    return this.controller.signal.aborted
  }

  /** The reason of the stop asked for, if any. */
  get reason (): StopReason | undefined {
    return this.requested ? this.controller.signal.reason as StopReason : undefined
  }

  /** Asks for a clean stop (as the first signal does); later calls change nothing. */
  stop (reason: StopReason): void {
    if (this.requested) return
    this.controller.abort(reason)
    this.onFirst?.(reason)
    this.resolveStopped(reason)
  }
}

/**
 * Once everything is closed and the state saved, a tracker request still in flight (an
 * announce cut short by the stop) must not keep the stopped process alive.
 */
export function exitSoonAfterStop (ms = 2000): void {
  setTimeout(() => process.exit(), ms).unref()
}
