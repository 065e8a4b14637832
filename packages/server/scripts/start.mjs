/**
 * `npm start`: the server from a bundle run by plain Node in this one process. Under tsx every start compiled
 * and resolved ~400 TypeScript modules through loader hooks (and `npm start` used to run two npm processes, a
 * node for the web build check and tsx's own wrapper process); a bundle of the workspace's code and Effect (the other
 * packages stay external) loads in one read. It is rebuilt here, with esbuild, whenever a source is newer than it.
 */
import { build } from "esbuild"
import { existsSync, readdirSync, statSync } from "node:fs"
import { fileURLToPath, pathToFileURL } from "node:url"
import "./ensure-web-build.mjs"

const serverRoot = fileURLToPath(new URL("../", import.meta.url))
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url))
// packages/server/dist/bin/: three levels below packages/, as src/http/ is, so the paths the code computes from
// import.meta.url (the web cabinet's dist) stay right
const bundle = fileURLToPath(new URL("../dist/bin/main.mjs", import.meta.url))

/** The newest modification time under the directories (directories count too: a deleted file changes them). */
const newest = (paths) => {
  let latest = 0
  const stack = [...paths]
  while (stack.length > 0) {
    const path = stack.pop()
    if (!existsSync(path)) continue
    const stat = statSync(path)
    if (stat.mtimeMs > latest) latest = stat.mtimeMs
    if (stat.isDirectory()) for (const name of readdirSync(path)) stack.push(`${path}/${name}`)
  }
  return latest
}

const inputs = [
  ...["adapters", "core", "router", "server"].flatMap((p) => [
    `${repoRoot}packages/${p}/src`,
    `${repoRoot}packages/${p}/package.json`
  ]),
  `${repoRoot}wasm/src`,
  // Effect is bundled too: an upgrade must rebuild
  `${repoRoot}package-lock.json`,
  fileURLToPath(import.meta.url)
]

const inlined = (path) =>
  path.startsWith("@groupbuy/") || path === "effect" || path.startsWith("effect/") || path.startsWith("@effect/")

if (!existsSync(bundle) || statSync(bundle).mtimeMs < newest(inputs)) {
  await build({
    entryPoints: [`${serverRoot}src/main.ts`],
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    sourcesContent: false,
    logLevel: "warning",
    // CommonJS dependencies inside the workspace's code call require
    banner: {
      js: "import { createRequire as __groupbuyRequire } from 'node:module'; const require = __groupbuyRequire(import.meta.url);"
    },
    plugins: [
      {
        // the workspace's code and Effect (~400 ES modules Node would otherwise resolve and link one by one: ~0.5 s
        // of CPU per start) are bundled; every other package stays external, loaded from node_modules as usual (some
        // find their own files next to them, e.g. PGlite's wasm)
        name: "workspace-and-effect",
        setup: (b) => b.onResolve({ filter: /^[^./]/ }, (args) => (inlined(args.path) ? undefined : { external: true }))
      }
    ]
  })
}

// `--build-only`: build (e.g. into an image, where the server's user may not write the bundle) and stop
if (process.argv.includes("--build-only")) process.exit(0)

// as under `npm run start -w @groupbuy/server`: relative paths (DATA_DIR=./data) are the server package's
process.chdir(serverRoot)
process.setSourceMapsEnabled(true)
await import(pathToFileURL(bundle).href)
