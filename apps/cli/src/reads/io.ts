/** Where a read prints for humans: the oclif command's `say`, or the fast path's (both skip it with --json). */
export interface ReadIo {
  say(line: string): void;
}
