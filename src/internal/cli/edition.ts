/**
 * What the command (`core/cli/main.ts`, written once) needs from this edition: the shared wiring's
 * (`../wiring/cli.ts`), which lands in this edition's tree.
 */
export { edition } from "../wiring/cli.js"
