/**
 * The `effect-binance-pm` command: the core's command (`internal/core/cli`, the same for both editions) with
 * this edition's library. Bundled into `dist/bin.js` (see scripts/build-bin.mjs).
 *
 * @since 0.1.0
 */
import { edition } from "./internal/cli/edition.js"
import * as Cli from "./internal/core/cli/main.js"

void Cli.runProcess(edition)
