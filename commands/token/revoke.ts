import * as Args from '@oclif/core/args'
import { SeedcastCommand } from '../../cli/base-command.js'
import { showFlag } from '../../cli/show-options.js'
import { revokeToken } from '../../src/show/tokens.js'

export default class TokenRevoke extends SeedcastCommand {
  static override summary = 'Revoke an API token: requests with it get 401 from then on.'

  static override description = 'Deletes the token with this id (see `token list`), or with this name when only one token has it. A running server refuses it from its next request.'

  static override examples = [
    '<%= config.bin %> token revoke 3fa94c1e --show my-show',
    '<%= config.bin %> token revoke ci --json'
  ]

  static override args = {
    token: Args.string({ description: 'id or name of the token', required: true })
  }

  static override flags = {
    show: showFlag
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(TokenRevoke)
    const revoked = await revokeToken(flags.show, args.token)
    this.log(`Revoked token ${revoked.id} ("${revoked.name}")`)
    return { id: revoked.id, name: revoked.name }
  }
}
