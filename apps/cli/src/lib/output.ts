/** Delivering a secret value the user asked for: a file created with mode 0600, or stdout. */
import { open } from 'node:fs/promises';

export async function writeSecretFile(path: string, content: string): Promise<void> {
  // `wx` would refuse to replace; `w` with mode only applies the mode on creation, so chmod too.
  const handle = await open(path, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(content.endsWith('\n') ? content : `${content}\n`);
  } finally {
    await handle.close();
  }
}
