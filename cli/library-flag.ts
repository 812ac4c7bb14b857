import { Flags } from '@oclif/core'

export const libraryFlag = Flags.directory({
  description: 'the library folder (default $SEEDCAST_LIBRARY, else $XDG_DATA_HOME/seedcast/library or ~/.local/share/seedcast/library)'
})
