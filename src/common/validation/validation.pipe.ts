import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidInput } from '../errors/common-errors';
import { findTextProblem } from './text-hygiene';

/** Flattens nested validation errors into `field.path: problem` lines. */
function describe(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...describe(error.children ?? [], field)];
  });
}

/**
 * Text hygiene (text-hygiene.ts) before the DTO's own rules, on every body, query and path
 * parameter: refused here, naming the field, instead of stored half-right or failing in SQL.
 */
class HygienicValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const found = findTextProblem(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
      if (found) throw new InvalidInput(found.field, found.problem);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Strict input: unknown fields are rejected, nothing is coerced (a JSON number is not an amount),
 * text is hygienic, and the message names every offending field.
 */
export function strictValidationPipe(): ValidationPipe {
  return new HygienicValidationPipe({
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
