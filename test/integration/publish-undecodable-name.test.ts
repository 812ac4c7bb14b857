// `seedcast publish` of a file whose name is not UTF-8 (Latin-1 names from an old Windows
// share or a ZIP archive): Node.js gives the argument with U+FFFD for each bad byte, so the
// file cannot be opened by it. The one line says so and what to do, not "check the path"
// for a file that is there; the show is left as it was. The name is made and passed as bytes
// (a shell's printf): Node's own spawn could only pass it as UTF-8.
import { copyFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { binPath, runProcess } from '../helpers/cli.ts'
import { fixture, tempShow } from './publish-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('seedcast publish of a file named in bytes that are not UTF-8', () => {
  it('says the name is not UTF-8 and to rename the file (exit 1, one line, nothing published)', async () => {
    const tmp = await tempShow()
    cleanups.push(tmp.cleanup)
    const latin1 = Buffer.concat([Buffer.from(`${tmp.path}/caf`), Buffer.from([0xe9]), Buffer.from(' noir.mp3')])
    await copyFile(fixture('episode.mp3'), latin1)

    const result = await runProcess('sh', ['-c', 'exec "$0" "$1" publish "$2/caf$(printf \'\\351\') noir.mp3" --show "$2/show"', process.execPath, binPath, tmp.path])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`seedcast: ${tmp.path}/caf\uFFFD noir.mp3: no such file or directory (the file is there, but its name is not UTF-8 and each \uFFFD stands for a byte seedcast cannot be given: rename the file and try again)\n`)
    expect(await readdir(join(tmp.show, 'public', 'media'))).toEqual([])
  })
})
