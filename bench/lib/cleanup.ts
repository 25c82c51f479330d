/**
 * Clean-up that must run even when the run is interrupted: the servers run in their own process
 * groups (and PostgreSQL in its own session), so a Ctrl-C in the terminal does not reach them.
 * Every resource registers its disposer here and unregisters it once disposed in a `finally`.
 */
const disposers = new Set<() => Promise<void>>();

export function onCleanup(dispose: () => Promise<void>): () => void {
  disposers.add(dispose);
  return () => disposers.delete(dispose);
}

export async function cleanupAll(): Promise<void> {
  const pending = [...disposers].reverse();
  disposers.clear();
  for (const dispose of pending) {
    try {
      await dispose();
    } catch (err) {
      console.error(`clean-up failed: ${(err as Error).message}`);
    }
  }
}

let installed = false;

/**
 * On SIGINT/SIGTERM: dispose of everything, then exit. One Ctrl-C arrives several times (the
 * terminal signals the whole group, and `npm run` and the tsx launcher each forward it again), so
 * repeats in the first seconds are ignored; a signal after that exits at once, leaving the rest.
 */
export function installSignalCleanup(): void {
  if (installed) return;
  installed = true;
  let firstAt: number | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (firstAt !== undefined) {
        if (Date.now() - firstAt > 3_000) process.exit(130);
        return;
      }
      firstAt = Date.now();
      console.error(`\n${signal}: stopping the servers and removing temporary folders…`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
}
