/**
 * Chat with GroupBuy in a terminal: `npx tsx examples/console/main.ts` (type /start; answer menus with numbers;
 * Ctrl-D to quit). Data goes to ./data (embedded PGlite) unless DATA_DIR or DATABASE_URL say otherwise.
 */
import { Effect } from "effect"
import * as readline from "node:readline"
import { runConsole } from "./ConsoleAdapter.js"
import { GroupBuyEngine } from "./GroupBuyEngine.js"

// Start iterating at once: readline drops lines that arrive before anyone iterates (the engine takes a moment).
const lines = readline.createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]()
const input: AsyncIterable<string> = { [Symbol.asyncIterator]: () => lines }

const program = Effect.scoped(runConsole({ input, write: (text) => void process.stdout.write(text) })).pipe(
  Effect.provide(GroupBuyEngine)
)

process.stdout.write("GroupBuy console — type /start (Ctrl-D to quit)\n\n")
Effect.runPromise(program).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
