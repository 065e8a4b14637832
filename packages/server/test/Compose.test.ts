import { assert, describe, it } from "@effect/vitest"
import { existsSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { parse } from "yaml"

const root = resolve(import.meta.dirname, "../../..")
const compose = parse(readFileSync(join(root, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, any>
  volumes?: Record<string, unknown>
}

describe("docker-compose.yml", () => {
  const services = compose.services

  it("has PostgreSQL, Redis, the single server and the two-server layout as profiles", () => {
    assert.containsAllKeys(services, ["postgres", "redis", "server", "api", "chat"])
    assert.match(services["postgres"].image, /^postgres:\d+/)
    assert.match(services["redis"].image, /^redis:\d+/)
    assert.deepStrictEqual(services["server"].profiles, ["single"])
    assert.deepStrictEqual(services["api"].profiles, ["split"])
    assert.deepStrictEqual(services["chat"].profiles, ["split"])
    assert.strictEqual(services["api"].environment.SERVER_ROLE, "api")
    assert.strictEqual(services["chat"].environment.SERVER_ROLE, "chat")
  })

  it("references only services, volumes and build contexts that exist", () => {
    const declaredVolumes = new Set(Object.keys(compose.volumes ?? {}))
    for (const [name, service] of Object.entries(services)) {
      assert.isTrue(service.image !== undefined || service.build !== undefined, `${name} has no image or build`)
      if (service.build !== undefined) {
        const context = typeof service.build === "string" ? service.build : service.build.context
        assert.isTrue(existsSync(join(root, context, "Dockerfile")), `${name}: no Dockerfile in ${context}`)
      }
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        assert.property(services, dependency, `${name} depends on a missing service ${dependency}`)
      }
      for (const volume of service.volumes ?? []) {
        const source = String(volume).split(":")[0]!
        if (!source.startsWith(".") && !source.startsWith("/")) assert.isTrue(declaredVolumes.has(source), source)
      }
    }
  })

  it("points every server at the compose PostgreSQL and Redis, with a health check on both", () => {
    for (const name of ["server", "api", "chat"]) {
      const env = services[name].environment
      assert.strictEqual(new URL(env.DATABASE_URL).hostname, "postgres")
      assert.strictEqual(new URL(env.REDIS_URL).hostname, "redis")
      assert.strictEqual(services[name].depends_on.postgres.condition, "service_healthy")
    }
    assert.isDefined(services["postgres"].healthcheck)
    assert.isDefined(services["redis"].healthcheck)
  })

  it("documents every variable the server reads in .env.example", () => {
    const example = readFileSync(join(root, ".env.example"), "utf8")
    for (const name of [
      "PORT",
      "DATABASE_URL",
      "REDIS_URL",
      "DATA_DIR",
      "JWT_SECRET",
      "SERVICE_TOKEN",
      "TELEGRAM_TOKEN",
      "TELEGRAM_API_ROOT",
      "VK_TOKEN",
      "VK_GROUP_ID",
      "VK_API_BASE_URL",
      "WHATSAPP_ENABLED",
      "PAYMENT_PROVIDER",
      "TOCHKA_API_URL",
      "TOCHKA_SIGN_SYSTEM",
      "TOCHKA_SIGN_THUMBPRINT",
      "TOCHKA_PRIVATE_KEY",
      "TOCHKA_BENEFICIARY_ID",
      "TOCHKA_PAYMENT_DETAILS",
      "TOCHKA_POLL_INTERVAL",
      "TOCHKA_WEBHOOK_PUBLIC_KEY",
      "SERVER_ROLE",
      "PUBLIC_URL",
      "REDIS_HUB_CHANNEL",
      "SANDBOX_WEBHOOK_SECRET",
      "ADMIN_COOKIE_SECURE"
    ]) {
      assert.match(example, new RegExp(`^#?\\s*${name}=`, "m"), `${name} is not documented`)
    }
  })
})
