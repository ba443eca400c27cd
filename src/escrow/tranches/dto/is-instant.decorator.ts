import { registerDecorator, ValidationArguments } from 'class-validator';

/** Date, time and an explicit offset: an instant, never a local time ("2027-06-30T23:59:59Z"). */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Whether `text` is an ISO 8601 instant whose every field is in range (no 30 February, no 24:00). */
export function isInstant(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const m = INSTANT.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((v) => Number(v ?? 0));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[7] === undefined || (Number(m[8]) <= 23 && Number(m[9]) <= 59);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offsetOk;
}

export function IsInstant(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args: ValidationArguments) => `${args.property} must be an ISO 8601 instant with an offset, such as "2027-06-30T23:59:59Z"` },
      validator: { validate: isInstant },
    });
}
