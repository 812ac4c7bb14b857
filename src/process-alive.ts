/**
 * Whether a process id is still running: signal 0 checks without sending anything;
 * EPERM means it runs as someone else. Used to tell a live claim, upload or seeder status
 * from one a killed process left behind.
 */
export function processAlive (pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
