import { describe, expect, it } from 'vitest';
import { ENV, EnvError, loadEnv } from '../../../../shared/config/env.js';

describe('loadEnv', () => {
  it('reads the listed variables by their contract names, converting integers', () => {
    const env = { [ENV.tableName]: 'radar', [ENV.scheduleMinutes]: '5', UNRELATED: 'x' };
    expect(loadEnv(env, { tableName: 'string', scheduleMinutes: 'positiveInt' })).toEqual({
      tableName: 'radar',
      scheduleMinutes: 5,
    });
  });

  it('fails fast naming the missing or malformed variable', () => {
    expect(() => loadEnv({}, { tableName: 'string' })).toThrow(
      new EnvError('RADAR_TABLE_NAME', 'missing (it is set by the CDK stack)'),
    );
    expect(() => loadEnv({ [ENV.tableName]: '  ' }, { tableName: 'string' })).toThrow(
      /RADAR_TABLE_NAME: missing/,
    );
    expect(() => loadEnv({ [ENV.scheduleMinutes]: '0' }, { scheduleMinutes: 'positiveInt' })).toThrow(
      'environment variable RADAR_SCHEDULE_MINUTES: expected a positive integer, got "0"',
    );
  });

  it('has one distinct env var name per key', () => {
    expect(new Set(Object.values(ENV)).size).toBe(Object.keys(ENV).length);
  });
});
