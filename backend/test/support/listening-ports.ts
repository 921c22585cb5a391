import { readdir, readFile, readlink } from 'node:fs/promises'

/**
 * The TCP ports process `pid` listens on, read from /proc (Linux): its socket inodes matched
 * against the kernel's tables of listening sockets (state 0A).
 */
export async function listeningPorts(pid: number): Promise<number[]> {
  const inodes = new Set<string>()
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1]
    if (inode) inodes.add(inode)
  }
  const ports = new Set<number>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '')
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      if (fields[3] === '0A' && inodes.has(fields[9] ?? ''))
        ports.add(parseInt(fields[1]!.split(':').at(-1)!, 16))
    }
  }
  return [...ports].sort((a, b) => a - b)
}
