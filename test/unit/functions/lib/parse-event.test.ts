import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EventShapeError, parseEvent, parseJson } from '../../../../functions/lib/parse-event.js';

describe('parseEvent', () => {
  const schema = z.object({ dynamodb: z.object({ NewImage: z.record(z.string(), z.unknown()) }) });

  it('returns the parsed value', () => {
    expect(parseEvent(schema, { dynamodb: { NewImage: { a: 1 } } }, 'record')).toEqual({
      dynamodb: { NewImage: { a: 1 } },
    });
  });

  it('names what was parsed and the path of the bad field', () => {
    expect(() => parseEvent(schema, { dynamodb: {} }, 'stream record')).toThrow(EventShapeError);
    expect(() => parseEvent(schema, { dynamodb: {} }, 'stream record')).toThrow(
      /^stream record: dynamodb\.NewImage: /,
    );
  });

  it('reports a body that is not JSON', () => {
    expect(() => parseJson('{nope', 'poll request')).toThrow('poll request: body is not JSON');
  });
});
