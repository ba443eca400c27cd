import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { InvalidInput } from '../../common/errors/common-errors';
import type { FormFields } from './console-request';

type Plain = Record<string, string | number | undefined>;

/**
 * A form checked by the API's own DTO (same rules, same messages), so the console can accept
 * nothing the API would refuse. Form fields are text: the caller converts numbers first, and
 * leaves an empty optional field out.
 */
export async function formDto<T extends object>(type: new () => T, plain: Plain): Promise<T> {
  const present = Object.fromEntries(Object.entries(plain).filter(([, value]) => value !== undefined && value !== ''));
  const dto = plainToInstance(type, present);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    // A nested DTO's error sits in its children: name the innermost field (tiers.1.minAmount).
    let first = errors[0];
    let path = first.property;
    while (!first.constraints && first.children?.length) {
      first = first.children[0];
      path = `${path}.${first.property}`;
    }
    throw new InvalidInput(path, Object.values(first.constraints ?? {}).join('; ').replace(new RegExp(`^${first.property} `), ''));
  }
  return dto;
}

/** A whole number typed into a form ("3"), or the text itself for the DTO to refuse. */
export function integerField(value: string | undefined): number | string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return /^\d{1,10}$/.test(value.trim()) ? Number(value.trim()) : value;
}

/** The fields a form must send, read as text (missing ones as empty). */
export function fields<Name extends string>(form: FormFields | undefined, ...names: Name[]): Record<Name, string> {
  return Object.fromEntries(names.map((name) => [name, typeof form?.[name] === 'string' ? form[name].trim() : ''])) as Record<Name, string>;
}
