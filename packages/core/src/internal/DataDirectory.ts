/**
 * The embedded database's data directory: owner-only permissions and a lock held by the one process that uses it.
 *
 * PGlite unpacks its initial database with world-writable files (0666) and has no `postmaster.pid` interlock: a second
 * process (the admin CLI next to a running server) runs a second PostgreSQL over the same files, the first never sees
 * its rows, and whichever closes last writes its own control file and pages over the other's WAL — the rows are gone
 * after a restart. The lock is a Unix socket the owner listens on: the kernel drops it with the process (even after
 * `kill -9`), so a stale lock is told apart from a live one by connecting to it, with no pid guessing.
 */
import { chmod, lstat, readdir, unlink } from "node:fs/promises"
import { mkdirSync, chmodSync } from "node:fs"
import { createConnection, createServer, type Server } from "node:net"
import { join, relative, resolve } from "node:path"

/** The name of the lock socket inside the data directory. */
export const LOCK_NAME = "pglite.lock"

/** Another live process holds the data directory. */
export class DataDirectoryLocked extends Error {}

const notOwner = (e: unknown) => (e as NodeJS.ErrnoException).code === "EPERM"

/**
 * Creates `dir` (and missing parents) owner-only and makes an existing one owner-only too; a mount point owned by
 * another user cannot be changed and is left as it is (what is inside is owner-only).
 */
export const makePrivateDirectory = (dir: string): void => {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  try {
    chmodSync(dir, 0o700)
  } catch (e) {
    if (!notOwner(e)) throw e
  }
}

/** Owner-only permissions below `root`: directories 0700, files 0600 (symbolic links are left alone). */
export const restrictTree = async (root: string): Promise<void> => {
  const stat = await lstat(root)
  if (stat.isSymbolicLink()) return
  if (!stat.isDirectory()) {
    if ((stat.mode & 0o077) !== 0) await chmod(root, 0o600)
    return
  }
  if ((stat.mode & 0o777) !== 0o700)
    await chmod(root, 0o700).catch((e) => (notOwner(e) ? undefined : Promise.reject(e)))
  for (const name of await readdir(root)) await restrictTree(join(root, name))
}

// Unix socket paths are limited to about 104 bytes: a long absolute path is used relative to the working directory
const socketPath = (dir: string) => {
  const absolute = resolve(dir, LOCK_NAME)
  const fromCwd = relative(process.cwd(), absolute)
  return absolute.length <= 100 || fromCwd.length >= absolute.length ? absolute : fromCwd
}

const listen = (path: string) =>
  new Promise<Server>((done, fail) => {
    // a peer that connects only learns that the lock is held
    const server = createServer((socket) => socket.destroy())
    server.once("error", fail)
    server.listen(path, () => {
      server.off("error", fail)
      server.unref()
      done(server)
    })
  })

const isAlive = (path: string) =>
  new Promise<boolean>((done) => {
    const socket = createConnection(path)
    socket.once("connect", () => {
      socket.destroy()
      done(true)
    })
    socket.once("error", () => done(false))
  })

/** Takes the data directory's lock; fails with `DataDirectoryLocked` while another live process holds it. */
export const lockDataDirectory = async (dir: string): Promise<{ readonly release: () => Promise<void> }> => {
  const path = socketPath(dir)
  const server = await listen(path).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== "EADDRINUSE") throw e
    if (await isAlive(path)) throw new DataDirectoryLocked(`${resolve(dir)} is in use by another process`)
    // left behind by a process that died: nobody listens any more
    await unlink(path).catch(() => undefined)
    return listen(path)
  })
  await chmod(path, 0o600).catch(() => undefined)
  return { release: () => new Promise<void>((done) => server.close(() => done())) }
}
