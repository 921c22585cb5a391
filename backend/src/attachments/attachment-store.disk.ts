import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { AttachmentStore } from './attachment-store.js'

/**
 * Files under one directory. Writes go to a temporary name beside the target and are renamed
 * into place, so a crash mid-write leaves no file under a real key. In production the directory
 * must be shared by every node (a thumbnail job may run on another node than the upload).
 */
export class DiskAttachmentStore implements AttachmentStore {
  constructor(readonly dir: string) {}

  async put(key: string, bytes: Buffer): Promise<void> {
    const path = this.path(key)
    await mkdir(dirname(path), { recursive: true })
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
    try {
      await writeFile(temp, bytes, { flag: 'wx' })
      await rename(temp, path)
    } catch (err) {
      await rm(temp, { force: true })
      throw err
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.path(key))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true })
  }

  private path(key: string): string {
    if (!/^[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+(\.thumb)?$/.test(key)) throw new Error(`bad attachment key ${key}`)
    return join(this.dir, key)
  }
}
