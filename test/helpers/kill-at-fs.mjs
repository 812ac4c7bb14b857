// Preloaded (node --import) into a CLI child to crash it at an exact step: SIGKILL, as a power
// cut or the OOM killer would, at the first fs rename whose destination, or rm whose path, ends
// with SEEDCAST_TEST_KILL_AT ("rename:<suffix>" or "rm:<suffix>"). Test-only; never in dist/.
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'

const [call, suffix] = (process.env.SEEDCAST_TEST_KILL_AT ?? '').split(/:(.*)/s)
const hit = path => typeof path === 'string' && suffix && path.endsWith(suffix)
const die = () => process.kill(process.pid, 'SIGKILL')

if (call === 'rename') {
  const { rename, renameSync, promises } = fs
  const promiseRename = promises.rename
  fs.rename = function (from, to, ...rest) { if (hit(to)) die(); return rename.call(this, from, to, ...rest) }
  fs.renameSync = function (from, to) { if (hit(to)) die(); return renameSync.call(this, from, to) }
  promises.rename = function (from, to) { if (hit(to)) die(); return promiseRename.call(this, from, to) }
}
if (call === 'rm') {
  const promiseRm = fs.promises.rm
  fs.promises.rm = function (path, ...rest) { if (hit(path)) die(); return promiseRm.call(this, path, ...rest) }
}
syncBuiltinESMExports()
