import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../shared/config/config-error.js';
import { parseFeedsConfig, parseMeasuresConfig } from '../../../../shared/config/schema.js';

describe('parseFeedsConfig', () => {
  it('returns enabled feeds with nulls and arrays filled in, and the settings', () => {
    const c = parseFeedsConfig(
      'settings: {pollIntervalMinutes: 10}\nfeeds:\n  - {id: ofsi, url: "https://www.gov.uk/x.atom"}\n  - {id: off, url: "https://a.b/", enabled: false}\n',
      'feeds.yaml',
    );
    expect(c).toEqual({
      feeds: [{ id: 'ofsi', url: 'https://www.gov.uk/x.atom', name: null, tags: [] }],
      allowPrivateHosts: false,
      pollIntervalMinutes: 10,
    });
  });

  it.each([
    [
      'feeds:\n  - {id: ok, url: "https://a.b/"}\n  - {id: Bad_Id, url: "https://a.b/"}\n',
      /feeds\.yaml: feeds\[1\] \(id "Bad_Id"\): id: must be lowercase/,
    ],
    [
      'feeds:\n  - {id: x, url: "ftp://a.b/"}\n',
      /feeds\[0\] \(id "x"\): url: must be an absolute http\(s\) URL/,
    ],
    ['feeds:\n  - {id: x}\n', /feeds\[0\] \(id "x"\): url: must be a string/],
    ['feeds:\n  - {id: x, url: "https://a.b/", colour: red}\n', /feeds\[0\] \(id "x"\): .*colour/],
    [
      'feeds:\n  - {id: x, url: "https://a/"}\n  - {id: x, url: "https://b/"}\n',
      /feeds\[1\] \(id "x"\): id: duplicate id/,
    ],
    ['feeds: nope\n', /feeds\.yaml: feeds: must be a list of feeds/],
    ['feeds:\n  - {id: x, url: "https://a/"\n', /feeds\.yaml:\d+:\d+: invalid YAML/],
  ])('rejects %j with a message naming file, entry and field', (text, message) => {
    expect(() => parseFeedsConfig(text, 'feeds.yaml')).toThrow(message);
    expect(() => parseFeedsConfig(text, 'feeds.yaml')).toThrow(ConfigError);
  });
});

describe('parseMeasuresConfig', () => {
  it('returns measures with optional fields as null or empty arrays', () => {
    const m = parseMeasuresConfig(
      'measures:\n  - {id: relief, name: Relief, severity: high, query: "lift* sanction*"}\n',
      'm.yaml',
    );
    expect(m).toEqual([
      {
        id: 'relief',
        name: 'Relief',
        severity: 'high',
        query: 'lift* sanction*',
        requires: null,
        excludes: null,
        jurisdictions: [],
        notes: null,
      },
    ]);
  });

  it('names the entry and field of a bad severity', () => {
    expect(() =>
      parseMeasuresConfig('measures:\n  - {id: a, name: A, severity: urgent, query: x}\n', 'm.yaml'),
    ).toThrow(/m\.yaml: measures\[0\] \(id "a"\): severity: must be one of low, medium, high, critical/);
  });
});
