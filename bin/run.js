#!/usr/bin/env node
// The seedcast CLI. Commands live in ../commands (compiled to ../dist/commands);
// `npm ci` builds them through the `prepare` script.
import module from 'node:module'

// Node's on-disk compile cache saves parsing time on every later run, which matters for
// short commands run from scripts. Enabled before oclif is imported, so it covers it too.
module.enableCompileCache?.()

// Not a top-level await: oclif may end the process itself (--help, exit codes), and Node
// warns about an unsettled top-level await when that happens.
import('@oclif/core')
  .then(({ execute }) => execute({ dir: import.meta.url }))
  .catch((error) => {
    process.stderr.write(`seedcast: ${error?.message ?? error}\n`)
    process.exitCode = 1
  })
