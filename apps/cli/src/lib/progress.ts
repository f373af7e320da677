/**
 * Step progress for long commands: a live line on a terminal, plain `step: detail` lines
 * otherwise (CI logs), nothing with --json. Always stderr, so stdout stays parseable.
 */
export interface Progress {
  start(label: string): void;
  done(label: string, detail?: string): void;
}

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled) return { start() {}, done() {} };
  const tty = stream.isTTY === true;
  return {
    start(label) {
      if (tty) stream.write(`\r\u001b[2K… ${label}`);
    },
    done(label, detail) {
      const text = `${label}${detail ? `: ${detail}` : ''}`;
      stream.write(tty ? `\r\u001b[2K✔ ${text}\n` : `${text}\n`);
    },
  };
}
