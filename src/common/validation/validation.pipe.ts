import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/** Flattens nested validation errors into `field.path: problem` lines. */
function describe(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...describe(error.children ?? [], field)];
  });
}

/**
 * Strict input: unknown fields are rejected, nothing is coerced (a JSON number is not an amount),
 * and the message names every offending field.
 */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
