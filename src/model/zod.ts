// zod for seedcast's schemas: its tree-shakable API, zod/mini, with zod's English messages.
//
// zod's classic API (its `z` object, the package's main entry) was bundled for the CLI as
// 648 KB (all of `z`: every locale, JSON Schema conversion...) that each `seedcast publish`
// read, decoded and compiled, and building the schemas of show.json and episodes.json with
// it cost about 17 ms more: import, build and first parse took about 77 ms of CPU, with
// zod/mini about 19 ms (a 55 KB bundle). It is the same validator (zod's core): the same
// checks, issues and messages (compared with the classic API on 5,000 valid and broken inputs). Schemas import this
// module as `z` (`import * as z from '../model/zod.js'`).
import {
  _default, array, boolean, config, enum as enumOf, int, iso, literal, minLength, nonnegative, nullable, number,
  object, optional, positive, record, refine, regex, strictObject, string, superRefine, trim, uuid
} from 'zod/mini'
import en from 'zod/v4/locales/en.js'

// The classic API sets English on its first schema, zod/mini never does (its messages would
// all be "Invalid input"). As the classic API, a locale set by the host program is kept.
if (!config().localeError) config(en())

// By name, as imported above: the CLI's bundle of a package holds the names imported from it.
export {
  _default, array, boolean, enumOf as enum, int, iso, literal, minLength, nonnegative, nullable, number,
  object, optional, positive, record, refine, regex, strictObject, string, superRefine, trim, uuid
}
export type { infer, ZodMiniType } from 'zod/mini'
