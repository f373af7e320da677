import { ValidationError } from '@glkeys/core';

/** Every refusal names the option or model path (`field`) and the rule it breaks. */
export function invalid(field: string, rule: string): ValidationError {
  return new ValidationError(field, rule, `${field}: ${rule}`);
}

export { ValidationError };
