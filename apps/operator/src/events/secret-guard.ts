/**
 * A last look before text leaves the operator (an Event, a condition message): refuse anything
 * shaped like a GitLab token or a private key. A backstop, not the mechanism: the messages are
 * built from typed errors that never hold a secret value.
 */
const SECRET_SHAPES = [
  /\bglpat-[A-Za-z0-9_-]{8,}/,
  /\bgldt-[A-Za-z0-9_-]{8,}/,
  /\bglrt-[A-Za-z0-9_-]{8,}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

export function looksSecret(text: string): boolean {
  return SECRET_SHAPES.some((shape) => shape.test(text));
}
