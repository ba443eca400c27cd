import { DatabaseUnavailable, translateDatabaseError } from '../../src/database/database-errors';

describe('database errors in the domain\'s words', () => {
  it('answers a read a hot standby cancelled (conflict with recovery) as unavailable: the same read again may succeed', () => {
    const cancelled = { code: '40001', message: 'canceling statement due to conflict with recovery' };
    expect(translateDatabaseError(cancelled)).toBeInstanceOf(DatabaseUnavailable);
    expect(translateDatabaseError({ driverError: cancelled })).toBeInstanceOf(DatabaseUnavailable);
  });

  it('leaves other serialization failures alone (the unit of work retries those; one that escapes is a bug)', () => {
    expect(translateDatabaseError({ code: '40001', message: 'could not serialize access due to concurrent update' })).toBeUndefined();
  });
});
