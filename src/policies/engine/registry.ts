/** The policies an engine knows, by element name: built-ins plus user policies. */
import { ValidationError } from '../../model/errors.js';
import type { PolicyDefinition } from './definition.js';

export class PolicyRegistry {
  private readonly byName = new Map<string, PolicyDefinition>();

  constructor(definitions: readonly PolicyDefinition[] = []) {
    for (const definition of definitions) this.add(definition);
  }

  /** Adds a policy; a name already taken (built-in or not) is refused: one element, one meaning. */
  add(definition: PolicyDefinition): void {
    if (!/^[a-z][a-z0-9-]*$/.test(definition.name)) {
      throw new ValidationError(`Policy name '${definition.name}' must be lower-case letters, digits and '-'`);
    }
    if (definition.name === 'base' || this.byName.has(definition.name)) {
      throw new ValidationError(`A policy named '${definition.name}' is already registered`);
    }
    this.byName.set(definition.name, definition);
  }

  get(name: string): PolicyDefinition | undefined {
    return this.byName.get(name);
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }
}
