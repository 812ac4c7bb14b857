#!/usr/bin/env node
// The seedcast CLI. Commands live in ../commands (compiled to ../dist/commands);
// `npm ci` builds them through the `prepare` script.
import { execute } from '@oclif/core'

await execute({ dir: import.meta.url })
