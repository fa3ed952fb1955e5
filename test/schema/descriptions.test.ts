/**
 * Every type, field, argument, input field and enum value of the public schema has a description:
 * what GraphiQL's docs and typed clients show a frontend developer.
 */
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { publicSchema } from '../../src/schema/index.js';

function undescribed(): string[] {
  const missing: string[] = [];
  for (const type of Object.values(publicSchema.getTypeMap())) {
    if (type.name.startsWith('__') || ['String', 'Int', 'Boolean', 'ID', 'Float'].includes(type.name))
      continue;
    if (!type.description) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args)
          if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        if (!field.description) missing.push(`${type.name}.${field.name}`);
    }
    if (isEnumType(type)) {
      for (const value of type.getValues())
        if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing;
}

it('every type, field, argument and value is described', () => {
  expect(undescribed()).toEqual([]);
});
