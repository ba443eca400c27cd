import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/** Flattens nested validation errors into `field.path: problem` lines. */
function describe(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...describe(error.children ?? [], field)];
  });
}

/** The path of the first string (or key) holding U+0000, e.g. `reference` or `items.2.name`. */
function nulField(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return field;
    const found = nulField(child, field);
    if (found) return found;
  }
  return undefined;
}

/**
 * PostgreSQL text cannot hold U+0000: such input is refused here, naming the field, instead of
 * failing in SQL as a 500 (a deposit reference, an account name…).
 */
class NoNulValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const field = metadata.type === 'custom' ? undefined : nulField(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
    if (field) {
      throw new BadRequestException({ error: 'Bad Request', message: `${field} must not contain the NUL character (U+0000)`, fields: [field] });
    }
    return super.transform(value, metadata);
  }
}

/**
 * Strict input: unknown fields are rejected, nothing is coerced (a JSON number is not an amount),
 * text holds no NUL, and the message names every offending field.
 */
export function strictValidationPipe(): ValidationPipe {
  return new NoNulValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = describe(errors);
      return new BadRequestException({
        error: 'Bad Request',
        message: fields.map((f) => f.problems.join('; ')).join('; '),
        fields: fields.map((f) => f.field),
      });
    },
  });
}
