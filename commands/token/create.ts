import * as Flags from '@oclif/core/flags'
import { SeedcastCommand } from '../../cli/base-command.js'
import { showFlag } from '../../cli/show-options.js'
import { createToken } from '../../src/show/tokens.js'

export default class TokenCreate extends SeedcastCommand {
  static override summary = 'Create a token for the show\'s HTTP API (printed once; only its hash is kept).'

  static override description = `Makes a random token that lets an HTTP client publish, edit and remove the show's episodes through \`seedcast serve\` (POST, PATCH and DELETE under /api/shows/<id>/episodes, header "Authorization: Bearer <token>"), see drafts, and open the dashboard. The token is printed once: seedcast keeps only its SHA-256 in .seedcast/tokens.json (never served), so store it where the client needs it (a CI secret, a password manager). A running server sees new and revoked tokens at once.`

  static override examples = [
    '<%= config.bin %> token create --show my-show --name ci',
    'TOKEN=$(<%= config.bin %> token create --show my-show --name laptop --json | jq -r .token)'
  ]

  static override flags = {
    show: showFlag,
    name: Flags.string({ description: 'what the token is for, shown by `token list`', default: 'api' })
  }

  async run (): Promise<unknown> {
    const { flags } = await this.parse(TokenCreate)
    const { token, stored } = await createToken(flags.show, flags.name)
    this.log(token)
    process.stderr.write(`Token ${stored.id} ("${stored.name}") created; it is shown only this once.\n`)
    return { token, id: stored.id, name: stored.name, created: stored.created }
  }
}
