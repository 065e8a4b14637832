// The import rules of ../shared/ARCHITECTURE.md, enforced on every `npm test`.
const pkg = (name) => `^packages/${name}/`
const sdk = "node_modules/(grammy|vk-io|@whiskeysockets/baileys|ws|ioredis)/"

module.exports = {
  forbidden: [
    {
      name: "core-imports-nothing-of-ours",
      comment: "core is the bottom layer: no router, adapters, server, wasm, platform SDK, ws or ioredis",
      severity: "error",
      from: { path: pkg("core") },
      to: { path: [pkg("(router|adapters|server)"), "^wasm/", sdk] }
    },
    {
      name: "router-stays-platform-neutral",
      comment: "router may use core (types and service Tags) but never adapters, server, a platform SDK or SQL",
      severity: "error",
      from: { path: pkg("router") },
      to: { path: [pkg("(adapters|server)"), "node_modules/(grammy|vk-io|@whiskeysockets/baileys|ws)/"] }
    },
    {
      name: "router-never-sql",
      severity: "error",
      from: { path: pkg("router") + "src/" },
      to: { path: "node_modules/(@effect/sql|@effect/sql-pg|pg|@electric-sql)/" }
    },
    {
      name: "adapters-only-know-the-router",
      comment: "adapters translate the router's Update/Reply model; core and server are out of reach",
      severity: "error",
      from: { path: pkg("adapters") + "src/" },
      to: { path: [pkg("(core|server)"), "node_modules/(@effect/sql|@effect/sql-pg|pg|@electric-sql)/"] }
    },
    {
      name: "adapter-does-not-import-another-adapter",
      severity: "error",
      from: { path: "^packages/adapters/src/([^/]+)/" },
      to: {
        path: "^packages/adapters/src/([^/]+)/",
        pathNot: ["^packages/adapters/src/$1/", "^packages/adapters/src/(shared|internal)/"]
      }
    },
    {
      name: "wasm-imports-nothing-of-ours",
      severity: "error",
      from: { path: "^wasm/" },
      to: { path: "^packages/" }
    },
    {
      name: "web-only-knows-the-http-contract",
      comment: "the cabinet may use core's HTTP contract (@groupbuy/core/api) and @groupbuy/wasm, nothing else of ours",
      severity: "error",
      from: { path: "^packages/web/src/" },
      to: {
        path: ["^packages/(server|router|adapters)/", "^packages/core/src/"],
        pathNot: "^packages/core/src/api/"
      }
    },
    {
      name: "cabinet-and-admin-panel-apart",
      comment: "the cabinet's screens and the admin panel share packages/web/src/app, never each other's pages",
      severity: "error",
      from: { path: "^packages/web/src/(features|admin)/" },
      to: { path: "^packages/web/src/(features|admin)/", pathNot: "^packages/web/src/$1/" }
    },
    {
      name: "web-is-browser-code",
      comment: "the cabinet runs in a browser: no Node built-ins, no SQL drivers, no platform SDKs",
      severity: "error",
      from: { path: "^packages/web/src/" },
      to: {
        dependencyTypes: ["core"]
      }
    },
    {
      name: "no-reaching-into-another-package",
      comment: "cross-package imports go through the package name, never a relative path into its src",
      severity: "error",
      from: { path: "^packages/([^/]+)/" },
      to: { path: "^packages/([^/]+)/src/internal/", pathNot: "^packages/$1/" }
    },
    {
      name: "no-circular",
      severity: "error",
      from: { path: "^(packages|wasm)/" },
      to: { circular: true }
    }
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(/dist/|/build/)" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json"]
    }
  }
}
