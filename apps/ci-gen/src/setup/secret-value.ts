const hidden = new WeakMap<SecretValue, string>();

/**
 * A variable value inside a plan. It prints, logs and serialises as `[redacted]`, so a plan
 * can be shown (`ci setup --dry-run --json`) without leaking; `reveal()` is for the API call.
 */
export class SecretValue {
  constructor(value: string) {
    hidden.set(this, value);
  }

  reveal(): string {
    return hidden.get(this) ?? '';
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SecretValue([redacted])';
  }
}
