import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

/** `--show`: the show folder, for every command that works on one. */
export const showFlag = Flags.string({ description: 'show folder (default: current folder)', default: '.' })

/** EPISODE: the argument of the `episodes` commands that work on one episode. */
export const episodeArg = Args.string({ description: 'slug or guid of the episode', required: true })
