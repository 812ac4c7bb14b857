/**
 * The error every seedcast library function throws for a problem the user can fix
 * (bad input, missing file, malformed torrent...). The CLI prints `message` and `hint`
 * on one line each and exits with `exitCode`, never a stack trace; anything that is
 * not a SeedcastError is a bug and is reported as such.
 */
export class SeedcastError extends Error {
  readonly hint?: string
  readonly exitCode: number
  readonly code: string

  constructor (message: string, options: { hint?: string, exitCode?: number, code?: string, cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.name = new.target.name
    this.hint = options.hint
    this.exitCode = options.exitCode ?? 1
    this.code = options.code ?? 'ESEEDCAST'
  }
}

/** Turns a Node fs error on `path` into a SeedcastError that says what to do. */
export function fileError (error: unknown, path: string, action = 'read'): SeedcastError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return new SeedcastError(`${path}: no such file or directory`, { code, cause: error, hint: 'check the path' })
    case 'EACCES':
    case 'EPERM':
      return new SeedcastError(`${path}: permission denied (cannot ${action} it)`, { code, cause: error, hint: 'check the file permissions' })
    case 'EISDIR':
      return new SeedcastError(`${path}: is a directory, expected a file`, { code, cause: error })
    case 'ENOTDIR':
      return new SeedcastError(`${path}: a parent of this path is not a directory`, { code, cause: error })
    case 'ENOSPC':
      return new SeedcastError(`${path}: no space left on device`, { code, cause: error, hint: 'free some disk space and try again' })
    default:
      return new SeedcastError(`${path}: cannot ${action}: ${(error as Error)?.message ?? String(error)}`, { code: code ?? 'EIO', cause: error })
  }
}
