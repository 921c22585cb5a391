import { runAdmin, USAGE, UsageError } from './admin-commands.js'

runAdmin(process.argv.slice(2), { env: process.env, print: (line) => console.log(line) }).then(
  (code) => process.exit(code),
  (err) => {
    console.error(
      err instanceof UsageError ? `${err.message}\n\n${USAGE}` : `unable to run the admin command: ${err}`,
    )
    process.exit(err instanceof UsageError ? 64 : 1)
  },
)
