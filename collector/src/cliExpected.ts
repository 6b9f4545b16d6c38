/**
 * What a setting of `pulse-collector` expects, in words, for the error that refuses a value:
 * TypeBox's own messages ("Expected union value", "Expected integer") name neither the range nor
 * the choices. Read from the schema itself, so the words cannot drift from what is checked.
 */
import { Kind, type TSchema } from '@sinclair/typebox';

/** The bounds of a number, as words: ` from 1 to 9`, ` of at least 1`. */
const bounds = (minimum: unknown, maximum: unknown): string => {
  if (minimum !== undefined && maximum !== undefined) return ` from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return ` of at least ${minimum}`;
  return maximum === undefined ? '' : ` of at most ${maximum}`;
};

/**
 * `schema` in words: `an integer from 0 to 65535`, `one of fatal, error, warn`, `text matching
 * ^https?://...`. Settings whose value has a syntax of its own (a rate limit, a size) are worded
 * by hand in the settings table; this covers the plain ones.
 */
export function expectedValue(schema: TSchema): string {
  switch (schema[Kind]) {
    case 'Integer':
      return `an integer${bounds(schema.minimum, schema.maximum)}`;
    case 'Number':
      return `a number${bounds(schema.minimum, schema.maximum)}`;
    case 'Boolean':
      return 'true or false (or 1 or 0)';
    case 'Literal':
      return String(schema.const);
    case 'Union': {
      const choices = (schema.anyOf as TSchema[]).map(expectedValue);
      return (schema.anyOf as TSchema[]).every((choice) => choice[Kind] === 'Literal')
        ? `one of ${choices.join(', ')}`
        : choices.join(', or ');
    }
    case 'Array':
      return `a list of ${expectedValue(schema.items as TSchema)}`;
    case 'String': {
      const words = [schema.pattern === undefined ? 'text' : `text matching ${schema.pattern}`];
      if (schema.minLength > 1) words.push(`at least ${schema.minLength} characters`);
      else if (schema.minLength === 1 && schema.pattern === undefined) words.push('not empty');
      if (schema.maxLength !== undefined) words.push(`at most ${schema.maxLength} characters`);
      return words.join(', ');
    }
    default:
      return 'a valid value';
  }
}
