#!/usr/bin/env node
// The seedcast CLI. Commands live in ../commands (compiled to ../dist/commands);
// `npm ci` builds them through the `prepare` script.
import { execute } from '@oclif/core'

// Not a top-level await: oclif may end the process itself (--help, exit codes), and Node
// warns about an unsettled top-level await when that happens.
execute({ dir: import.meta.url }).catch((error) => {
  process.stderr.write(`seedcast: ${error?.message ?? error}\n`)
  process.exitCode = 1
})
