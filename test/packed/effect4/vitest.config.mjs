// Runs ./e2e.test.ts, ./differential.test.ts and ./watch.test.ts with the Effect 4 edition's vitest (5), the root's
// being vitest 3 on Effect 3:
//   effect4/node_modules/.bin/vitest run --config test/packed/effect4/vitest.config.mjs   (npm run test:packed4)
// Every import of the spec resolves in the packed tarball's consumer folder (scripts/packed.mjs), so the spec,
// the library and its fake share one copy of Effect 4, as in a user's app; vitest itself is effect4's. The official
// connectors the differential calls are not aliased: node finds them in the root's node_modules.
import * as Path from "node:path"
import * as Url from "node:url"
import { exported } from "../../../scripts/editions.ts"
import { packed } from "../../../scripts/packed.mjs"
// effect4's config polyfills Map.groupBy, which vitest 5's failure reporter needs on Node 20.
import "../../../effect4/vitest.config.ts"

const here = Path.dirname(Url.fileURLToPath(import.meta.url))
const root = Path.resolve(here, "../../..")
const consumer = (await packed([4]))["4"]
const modules = Path.join(consumer, "node_modules")
const main = (pkg, subpath) => Url.fileURLToPath(exported(consumer, pkg, subpath))

export default {
  root,
  resolve: {
    alias: [
      { find: /^vitest$/, replacement: Path.join(root, "effect4/node_modules/vitest/dist/index.js") },
      { find: /^effect\/(.+)$/, replacement: Path.join(modules, "effect/dist/$1.js") },
      { find: /^effect-binance-pm$/, replacement: main("effect-binance-pm", ".") },
      { find: /^effect-binance-pm\/testing$/, replacement: main("effect-binance-pm", "./testing") }
    ]
  },
  test: { include: ["test/packed/effect4/**/*.test.ts"], testTimeout: 30_000 }
}
