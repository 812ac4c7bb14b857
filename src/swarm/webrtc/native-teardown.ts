/*
 * @roamhq/wrtc (the native WebRTC under simple-peer, see vendor/webrtc-polyfill) crashes
 * the process with SIGSEGV when Node tears its environment down after the event loop has
 * drained: every native object still alive is finalized then, and the finalizer of an
 * RTCPeerConnection releases its data channels through N-API calls that fail at that
 * stage (core dump: FreeEnvironment → RTCPeerConnection::~RTCPeerConnection →
 * RefPtr<RTCDataChannel>::~RefPtr → Napi::Error::New → HandleScope::CreateHandle). Closed
 * connections whose JavaScript objects the garbage collector has not yet reclaimed are
 * enough, so a seeder that had WebRTC peers crashed on about one clean stop in two.
 *
 * process.exit() leaves without that teardown (the exit handlers still run, stdout and
 * stderr are synchronous on pipes and files). So once the loop is empty, a process that
 * used WebRTC ends with process.exit(), keeping its exit code, instead of running on into
 * the teardown. 'beforeExit' is not emitted when a process calls process.exit() itself,
 * which already skips the teardown.
 */

let installed = false

/** Makes the natural end of this process an explicit exit (once per process). */
export function exitBeforeNativeTeardown (): void {
  if (installed) return
  installed = true
  process.on('beforeExit', () => process.exit())
}
