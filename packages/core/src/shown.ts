/**
 * A value a user typed, as it may appear in an error message: quoted, with control characters
 * escaped (a CR, LF or NUL in an error would let an input forge log lines or hide text on a
 * terminal) and cut to a readable length. Errors quote user input only through this.
 */
export function shown(value: unknown, max = 120): string {
  const text = String(value);
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return `"${escapeControl(cut).replaceAll('"', '\\"')}"`;
}

/** Control characters (C0, DEL, C1, line and paragraph separators) as `\n`, `\r`, `\u0000`… */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}
