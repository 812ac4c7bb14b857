import { SeedcastCommand } from '../../cli/base-command.js'
import { showFlag } from '../../cli/show-options.js'
import { readTokens } from '../../src/show/tokens.js'
import { loadShow } from '../../src/show/load.js'

export default class TokenList extends SeedcastCommand {
  static override summary = 'List the show\'s API tokens (id, name, creation date; never the tokens).'

  static override description = 'Prints one line per token of the show: its id (the part after "sct_", also what `token revoke` takes), its name and when it was made. The tokens themselves are not stored and cannot be shown again.'

  static override examples = [
    '<%= config.bin %> token list --show my-show',
    '<%= config.bin %> token list --json'
  ]

  static override flags = {
    show: showFlag
  }

  async run (): Promise<unknown> {
    const { flags } = await this.parse(TokenList)
    await loadShow(flags.show)
    const tokens = (await readTokens(flags.show)).map(({ id, name, created }) => ({ id, name, created }))
    if (tokens.length === 0) this.log('No tokens (make one with `seedcast token create`).')
    for (const token of tokens) this.log(`${token.id}  ${token.created.slice(0, 19).replace('T', ' ')}  ${token.name}`)
    return { tokens }
  }
}
