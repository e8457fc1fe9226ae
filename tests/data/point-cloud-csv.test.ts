import { describe, expect, it } from 'vitest';
import { parsePointCloudCsv } from '../../src/data/point-cloud-csv';

describe('parsePointCloudCsv', () => {
  it('reads a headerless file (numpy.savetxt) and one with a header alike', () => {
    const bare = parsePointCloudCsv('1,2\n3.5,-4e-1\n', 'a.csv');
    expect(bare).toEqual({ points: Float64Array.from([1, 2, 3.5, -0.4]), count: 2, dim: 2 });
    const named = parsePointCloudCsv('\uFEFFx,y\r\n1,2\r\n3.5,-4e-1\r\n\r\n', 'b.csv');
    expect(named).toEqual(bare);
  });

  it('names the file, the line and the column of a bad value as they are in the file, header or not', () => {
    expect(() => parsePointCloudCsv('1,2\n3,abc\n', 'a.csv')).toThrow("a.csv: line 2, column 2: 'abc' is not a number");
    expect(() => parsePointCloudCsv('u,v\n1,2\n3,abc\n', 'b.csv')).toThrow("b.csv: line 3, column 2: v 'abc' is not a number");
    expect(() => parsePointCloudCsv('1,2\n3\n', 'c.csv')).toThrow('c.csv: line 2, column 2: the row has 1 fields, the header has 2');
    expect(() => parsePointCloudCsv('1,2\nNaN,1\n', 'd.csv')).toThrow("d.csv: line 2, column 1: is 'NaN'; values must be finite numbers");
    expect(() => parsePointCloudCsv('', 'e.csv')).toThrow('e.csv: line 1, column 1: the file is empty');
    expect(() => parsePointCloudCsv('x,y\n', 'f.csv')).toThrow('f.csv: line 2, column 1: no data rows after the header');
  });
});
