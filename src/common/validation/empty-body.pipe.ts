import { BadRequestException, Body, Injectable, PipeTransform } from '@nestjs/common';

/** For actions that take no input: `{}` or no body at all; any field is unknown and refused. */
@Injectable()
class EmptyBodyPipe implements PipeTransform {
  transform(value: unknown): Record<string, never> {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new BadRequestException({ error: 'Bad Request', message: 'the body must be a JSON object ({})', fields: [] });
    }
    const fields = Object.keys(value);
    if (fields.length > 0) {
      throw new BadRequestException({
        error: 'Bad Request',
        message: fields.map((f) => `property ${f} should not exist`).join('; '),
        fields,
      });
    }
    return {};
  }
}

export const EmptyBody = () => Body(new EmptyBodyPipe());
